package io.keybridge.dashboard;

import io.keybridge.usage.UsageStore.HourCount;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * A key's last days of use as a small line, one point per hour, for the keys list; {@link #label()} says the same in
 * words, for screen readers and for anyone who cannot tell a line from another.
 *
 * @param points the polyline's points, e.g. {@code "0.0,23.0 0.7,23.0 …"}
 */
record Sparkline(int width, int height, String points, long total, long peak, String label) {

    static final int WIDTH = 120;
    static final int HEIGHT = 24;

    static Sparkline of(List<HourCount> hours, Instant now, Duration span) {
        int slots = (int) span.toHours();
        Instant start =
                now.truncatedTo(ChronoUnit.HOURS).plus(1, ChronoUnit.HOURS).minus(slots, ChronoUnit.HOURS);
        long[] counts = new long[slots];
        for (HourCount hour : hours) {
            long index = Duration.between(start, hour.hour()).toHours();
            if (index >= 0 && index < slots) {
                counts[(int) index] += hour.requests();
            }
        }
        long peak = 0;
        long total = 0;
        for (long count : counts) {
            peak = Math.max(peak, count);
            total += count;
        }
        StringBuilder points = new StringBuilder();
        double step = WIDTH / (double) (slots - 1);
        for (int i = 0; i < slots; i++) {
            double y = (HEIGHT - 1) - (peak == 0 ? 0 : counts[i] * (HEIGHT - 2.0) / peak);
            if (i > 0) {
                points.append(' ');
            }
            points.append(UsageChart.number(i * step)).append(',').append(UsageChart.number(y));
        }
        String label = total == 0
                ? "no verifications in " + span.toDays() + " days"
                : total + " verifications in " + span.toDays() + " days, at most " + peak + " in an hour";
        return new Sparkline(WIDTH, HEIGHT, points.toString(), total, peak, label);
    }
}
