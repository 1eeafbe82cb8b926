package io.keybridge.dashboard;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.jspecify.annotations.Nullable;

/** How the pages write instants: UTC, to the minute, and a dash for none. */
final class Times {

    private static final DateTimeFormatter MINUTE =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter SECOND =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter HOUR =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:00").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DAY_OF_MONTH =
            DateTimeFormatter.ofPattern("MMM d", java.util.Locale.ENGLISH).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DAY =
            DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

    public String at(@Nullable Instant instant) {
        return instant == null ? "—" : MINUTE.format(instant);
    }

    public String exact(@Nullable Instant instant) {
        return instant == null ? "—" : SECOND.format(instant);
    }

    public String day(@Nullable Instant instant) {
        return instant == null ? "—" : DAY.format(instant);
    }

    static String hour(Instant instant) {
        return HOUR.format(instant);
    }

    static String dayOfMonth(Instant instant) {
        return DAY_OF_MONTH.format(instant);
    }

    public String hourOf(@Nullable Instant instant) {
        return instant == null ? "—" : HOUR.format(instant);
    }
}
