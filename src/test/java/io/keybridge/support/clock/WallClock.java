package io.keybridge.support.clock;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Steps of the wall clock of one keybridge JVM, as when NTP steps a server's clock: Debian's libfaketime, preloaded
 * into that JVM, adds {@code offset} from {@code from} after the process started until {@code until} (when the clock
 * steps back to real time). Only the wall clock moves; the monotonic clock that timeouts and sleeps use goes on
 * unchanged, and everything in the JVM sees the step at once: keybridge's {@code Clock}, Quartz, H2. {@code scripts/test}
 * installs libfaketime.
 *
 * <p>The steps are fixed at launch because libfaketime's other way, an offset file it reads again, made keybridge
 * read that file thousands of times a second (its cache is reset by the JVM's CPU-time clock calls), too slow to start.
 */
public record WallClock(Duration offset, Duration from, Duration until) {

    /** One step by {@code offset}, {@code at} after launch, for good. */
    public static WallClock stepAt(Duration at, Duration offset) {
        return new WallClock(offset, at, null);
    }

    /** A step by {@code offset} at {@code from} after launch, and back to real time at {@code until}. */
    public static WallClock stepAndBack(Duration from, Duration until, Duration offset) {
        return new WallClock(offset, from, until);
    }

    /** The environment that makes a JVM follow this clock. */
    public Map<String, String> environment() {
        Map<String, String> environment = new HashMap<>(Map.of(
                "LD_PRELOAD",
                library().toString(),
                "FAKETIME",
                (offset.isNegative() ? "" : "+") + offset.toSeconds(),
                "FAKETIME_START_AFTER_SECONDS",
                String.valueOf(from.toSeconds()),
                "FAKETIME_DONT_FAKE_MONOTONIC",
                "1"));
        if (until != null) {
            environment.put("FAKETIME_STOP_AFTER_SECONDS", String.valueOf(until.toSeconds()));
        }
        return environment;
    }

    private static Path library() {
        try (Stream<Path> arches = Files.list(Path.of("/usr/lib"))) {
            return arches.map(arch -> arch.resolve("faketime/libfaketimeMT.so.1"))
                    .filter(Files::exists)
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException(
                            "libfaketime is missing: scripts/test installs it (apt-get install libfaketime)"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
