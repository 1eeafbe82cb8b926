package io.keybridge.rotation;

import io.keybridge.cluster.ClusterNode;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Scheduled and expiry-driven rotations start here: every {@code keybridge.rotation.wave.due-check-interval} (after
 * the last look-up ended, on a thread of its own, so a clock that steps changes nothing but which keys are due) this
 * node looks up the keys whose {@code next_rotation_at} has passed, through that column's index, and hands them to the
 * wave ({@link RotationCoordinator#rotateDue}).
 *
 * <p>In a cluster each node takes its share of the keys due: those whose id hashes to its place among the nodes alive
 * (as Quartz sees them, {@link ClusterNode#alive}). So a wave is spread over the nodes and no two prepare the same
 * rotation; when a node stops, the others' shares cover its keys from their next look-up. Should two nodes disagree
 * for a moment on who is alive, a key may be asked for twice, and the second is refused under the key's lock.
 *
 * <p>Where a Quartz trigger per key cost rows of Quartz's under its lock for every rotation (and its scheduler thread
 * a wake-up), the plan is now the key's own column, written in the transaction that activates the rotation. Nothing is
 * lost to a crash: a key whose rotation was not recorded is still due, and found again.
 */
@Component
class DueRotations implements SmartLifecycle {

    /** How long one look-up goes on handing over keys while more are due; the next goes on from there. */
    static final Duration LOOK_UP = Duration.ofSeconds(2);
    /** How long a key whose rotation could not start (a bad row) waits before it is tried again. */
    static final Duration PUT_OFF = Duration.ofMinutes(1);

    private static final Logger log = LoggerFactory.getLogger(DueRotations.class);

    private final RotationCoordinator coordinator;
    private final ClusterNode node;
    private final RotationWaveProperties properties;
    private volatile ScheduledExecutorService looking;

    DueRotations(RotationCoordinator coordinator, ClusterNode node, RotationWaveProperties properties) {
        this.coordinator = coordinator;
        this.node = node;
        this.properties = properties;
    }

    /** One look-up; never throws, so that the next one runs. */
    void lookUp() {
        try {
            int handed = coordinator.rotateDue(LOOK_UP, PUT_OFF, share());
            if (handed > 0) {
                log.debug("{} due rotations handed to the wave", handed);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // the database unreachable, most likely: the keys stay due, and the next look-up finds them
            log.warn("looking up the rotations due failed: {}", e.toString());
        }
    }

    /** This node's share of the keys due: all of them alone, else those that hash to its place among the alive. */
    Share share() {
        if (!node.clustered()) {
            return Share.ALL;
        }
        List<String> alive = node.alive().stream().sorted().toList();
        return new Share(alive.size(), alive.indexOf(node.id()));
    }

    /**
     * The keys one node of {@code of} takes: those whose id hashes to {@code mine}.
     *
     * @param of how many nodes share the keys due
     * @param mine this node's place among them, from 0
     */
    record Share(int of, int mine) {

        static final Share ALL = new Share(1, 0);

        boolean owns(UUID keyId) {
            return Math.floorMod(keyId.hashCode(), of) == mine;
        }
    }

    @Override
    public void start() {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("due-rotations").daemon(true).factory());
        long interval = properties.dueCheckInterval().toMillis();
        executor.scheduleWithFixedDelay(this::lookUp, interval, interval, TimeUnit.MILLISECONDS);
        looking = executor;
    }

    @Override
    public void stop() {
        ScheduledExecutorService executor = looking;
        looking = null;
        if (executor != null) {
            executor.shutdownNow(); // a look-up under way hands over nothing more; what it handed over runs
            try {
                executor.awaitTermination(LOOK_UP.toSeconds() + 1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return looking != null;
    }

    /** After the wave ({@link RotationWave}, phase 0) starts, and stopped before it: its hand-overs are waited for. */
    @Override
    public int getPhase() {
        return 1;
    }
}
