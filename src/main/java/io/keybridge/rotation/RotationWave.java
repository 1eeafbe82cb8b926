package io.keybridge.rotation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Gathers the rotations asked for at about the same time — a wave of scheduled firings, a bulk emergency run, an
 * operator's rotation — into batches for {@link RotationRunner#runAll}: two batches run at a time, and what is asked
 * for meanwhile (and within {@code linger}, if set) makes the next, up to {@code batch-size}. A batch costs two commits and its store calls run concurrently, where one rotation
 * at a time cost two commits each, one call after the other.
 *
 * <p>A caller waits for what it needs: an operator for the outcome; the look-up of the keys due ({@link DueRotations})
 * not at all — a key whose rotation a {@code kill -9} stops before it is recorded is still due, and one recorded is
 * settled by recovery. Before the wave starts and after it stops, a rotation runs on the caller's thread, a batch of
 * one.
 */
@Component
class RotationWave implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RotationWave.class);
    static final int MAX_CONCURRENCY = 1024;
    /** Two batches at a time: one making its store calls while the other commits. */
    private static final int BATCHES_AT_ONCE = 2;

    private final RotationRunner runner;
    private final RotationWaveProperties properties;
    private final int concurrency;
    private final BlockingQueue<WaveItem> queue = new LinkedBlockingQueue<>();
    /** The rotations submitted and not yet recorded, by key. */
    private final Map<UUID, WaveItem> waitingFor = new ConcurrentHashMap<>();

    private final AtomicBoolean lookingUp = new AtomicBoolean();
    private final Object roomSignal = new Object();

    private final Object lifecycle = new Object();
    private final Semaphore runners = new Semaphore(BATCHES_AT_ONCE);
    private ExecutorService calls;
    private ExecutorService batchRunners;
    private Thread gatherer;
    private volatile boolean running;

    RotationWave(
            RotationRunner runner,
            RotationWaveProperties properties,
            @Value("${keybridge.delivery.concurrency:32}") int concurrency) {
        if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
            throw new IllegalArgumentException(
                    "keybridge.delivery.concurrency must be between 1 and " + MAX_CONCURRENCY + ", not " + concurrency);
        }
        this.runner = runner;
        this.properties = properties;
        this.concurrency = concurrency;
    }

    /** Rotates and waits for the outcome; throws what {@link RotationRunner#run} throws. */
    Rotation rotate(RotationRequest request) {
        return join(submit(request).done());
    }

    /**
     * Waits until the rotation is recorded (or refused); the rest of it goes on in the wave. A failed delivery is
     * recorded and retried by the runner. If the key is waiting in the wave already (handed over by the look-up of the keys due),
     * this waits for that rotation to be recorded instead of asking for a second one.
     *
     * @throws RotationRunner.Superseded, RotationInProgressException, KeyNotRotatableException as refusals
     */
    void startRotation(RotationRequest request) {
        WaveItem waiting = waitingFor.get(request.keyId());
        if (waiting != null) {
            try {
                join(waiting.started());
                return;
            } catch (RuntimeException refusedOrFailed) {
                // whatever stopped that one, this firing asks for its own: it must not end with nothing recorded
            }
        }
        join(submit(request).started());
    }

    /**
     * Adds rotations that are due to the wave without waiting for them. A key already waiting in the wave is skipped.
     * Should the process stop before they are recorded, nothing is lost: the keys are still due, and found again.
     *
     * @return the items added, to follow their starts
     */
    List<WaveItem> takeAlong(List<RotationRequest> requests) {
        List<WaveItem> added = new ArrayList<>();
        for (RotationRequest request : requests) {
            if (!waitingFor.containsKey(request.keyId())) {
                added.add(submit(request));
            }
        }
        return added;
    }

    /**
     * Waits up to {@code timeout} until the next batch has room: not while the wave has half a batch waiting, and not
     * while another look-up is under way (each reads past the rotations being prepared). A positive answer, how many
     * due rotations to look up and add now, must be followed by {@link #lookedUp}. Zero when the wave is not running.
     */
    int awaitRoom(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (roomSignal) {
            while (running) {
                int room = properties.batchSize() - queue.size();
                if (room >= Math.max(2, properties.batchSize() / 2) && lookingUp.compareAndSet(false, true)) {
                    return room;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return 0;
                }
                TimeUnit.NANOSECONDS.timedWait(roomSignal, left);
            }
            return 0;
        }
    }

    /** The look-up {@link #awaitRoom} allowed is done. */
    void lookedUp() {
        lookingUp.set(false);
        signalRoom();
    }

    /** How many rotations were submitted and are not recorded yet: a look-up of the keys due finds them too. */
    int waiting() {
        return waitingFor.size();
    }

    private void signalRoom() {
        synchronized (roomSignal) {
            roomSignal.notifyAll();
        }
    }

    /** Submits every rotation at once; each future completes with its own outcome. */
    List<CompletableFuture<Rotation>> rotateAll(List<RotationRequest> requests) {
        return requests.stream().map(request -> submit(request).done()).toList();
    }

    private WaveItem submit(RotationRequest request) {
        WaveItem item = WaveItem.of(request);
        synchronized (lifecycle) {
            if (running) {
                waitingFor.put(request.keyId(), item);
                item.started().whenComplete((ok, failure) -> waitingFor.remove(request.keyId(), item));
                queue.add(item);
                return item;
            }
        }
        try {
            runner.runAll(List.of(item), Runnable::run);
        } catch (RuntimeException e) {
            item.refused(e);
        }
        return item;
    }

    /**
     * The one thread that forms batches. It takes a batch only when a runner is free, so while both are busy the
     * rotations arriving meanwhile wait in the queue and make the next batch larger.
     */
    private void gather() {
        while (true) {
            try {
                runners.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            List<WaveItem> batch = nextBatch();
            signalRoom(); // the queue shrank
            if (batch == null) {
                runners.release();
                return; // stopped, and everything submitted before is done
            }
            batchRunners.execute(() -> {
                try {
                    runner.runAll(batch, calls);
                } catch (RuntimeException | Error e) {
                    log.error("a batch of {} rotations stopped: {}", batch.size(), e.toString());
                    batch.forEach(item -> item.refused(e)); // no-ops for the items already done
                } finally {
                    runners.release();
                }
            });
        }
    }

    /** What arrives within the linger of the first rotation, up to the batch size; null once stopped and drained. */
    private List<WaveItem> nextBatch() {
        WaveItem first = null;
        try {
            while (first == null) {
                first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null && !running && queue.isEmpty()) {
                    return null;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
        List<WaveItem> batch = new ArrayList<>();
        batch.add(first);
        long deadline = System.nanoTime() + properties.linger().toNanos();
        try {
            while (batch.size() < properties.batchSize()) {
                queue.drainTo(batch, properties.batchSize() - batch.size());
                long left = deadline - System.nanoTime();
                if (batch.size() >= properties.batchSize() || left <= 0) {
                    break;
                }
                WaveItem next = queue.poll(left, TimeUnit.NANOSECONDS);
                if (next == null) {
                    break;
                }
                batch.add(next);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // run what was gathered, then stop
        }
        return batch;
    }

    @Override
    public void start() {
        synchronized (lifecycle) {
            if (running) {
                return;
            }
            calls = Executors.newFixedThreadPool(
                    concurrency,
                    Thread.ofPlatform().name("delivery-", 1).daemon(true).factory());
            batchRunners = Executors.newFixedThreadPool(
                    BATCHES_AT_ONCE,
                    Thread.ofPlatform().name("rotation-batch-", 1).daemon(true).factory());
            running = true;
            gatherer = Thread.ofPlatform().name("rotation-wave").daemon(true).start(this::gather);
        }
    }

    /** Stops taking rotations into batches; those queued are run first. */
    @Override
    public void stop() {
        Thread stopping;
        synchronized (lifecycle) {
            running = false;
            stopping = gatherer;
            gatherer = null;
        }
        signalRoom();
        if (stopping == null) {
            return;
        }
        try {
            stopping.join();
            batchRunners.shutdown();
            batchRunners.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        calls.shutdown();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /**
     * Started before, and stopped after, what submits rotations: Quartz's scheduler and the web server, whose last
     * firings and requests are waited for.
     */
    @Override
    public int getPhase() {
        return 0;
    }

    /** The item's outcome, or its exception as it was thrown in the batch. */
    static <T> T join(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error cause) {
                throw cause;
            }
            throw e;
        }
    }
}
