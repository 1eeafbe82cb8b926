package io.keybridge.support;

import io.keybridge.KeybridgeApplication;
import io.keybridge.delivery.StepReached;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.event.EventListener;

/**
 * keybridge as the crash tests run it in a JVM of its own: the real application plus one listener that, when a
 * rotation reaches the step named in the file {@code crash-at} of the data folder, writes {@code crash-reached} and
 * stops that thread for good, and every rotating thread after it — so the test can {@code kill -9} the process
 * exactly there.
 */
public final class CrashableKeybridge {

    static final String CRASH_AT = "crash-at";
    static final String CRASH_REACHED = "crash-reached";

    private CrashableKeybridge() {}

    public static void main(String[] args) {
        new SpringApplicationBuilder(KeybridgeApplication.class, CrashPoint.class).run(args);
    }

    /**
     * Holds the rotating thread at the chosen step: {@code STEP} for its first occurrence, {@code STEP n} for its n-th
     * (a wave's rotations reach it one after the other). From then on every rotating thread that reaches any step is
     * held too, so that a batch stops where it was — some of its calls made, others not — until {@code kill -9}.
     */
    static class CrashPoint {

        private final Path folder = Path.of(System.getenv("KEYBRIDGE_DATA_DIR"));
        private final AtomicInteger seen = new AtomicInteger();
        private volatile boolean reachedOnce;

        @EventListener
        void reached(StepReached event) throws InterruptedException {
            if (event.version() < 2 && event.step() != StepReached.Step.CONTAINED) {
                return; // issuance delivers version 1 through the same steps; only rotations are crashed
            }
            if (reachedOnce) {
                Thread.sleep(Long.MAX_VALUE); // until kill -9
            }
            Path crashAt = folder.resolve(CRASH_AT);
            try {
                if (!Files.exists(crashAt)) {
                    return;
                }
                String[] point = Files.readString(crashAt).strip().split(" ");
                int occurrence = point.length > 1 ? Integer.parseInt(point[1]) : 1;
                if (!point[0].equals(event.step().name()) || seen.incrementAndGet() != occurrence) {
                    return;
                }
                reachedOnce = true;
                Path reached = folder.resolve(CRASH_REACHED + ".tmp");
                Files.writeString(reached, event.keyId() + " " + event.step());
                Files.move(reached, folder.resolve(CRASH_REACHED), StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Thread.sleep(Long.MAX_VALUE); // until kill -9
        }
    }
}
