package io.keybridge.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How the wave hands rotations to the runner: in batches, each caller waiting for what it needs. */
class RotationWaveTests {

    private final RotationRunner runner = mock(RotationRunner.class);
    private final List<List<WaveItem>> batches = new CopyOnWriteArrayList<>();
    private final CountDownLatch deliveries = new CountDownLatch(1);
    private RotationWave wave;

    @AfterEach
    void stop() {
        deliveries.countDown();
        if (wave != null) {
            wave.stop();
        }
    }

    private RotationWave wave(int batchSize, Duration linger) {
        wave = new RotationWave(runner, new RotationWaveProperties(batchSize, linger, Duration.ofSeconds(1)), 4);
        return wave;
    }

    /** The runner as a fake: records the batch, starts every item, and finishes them once the test lets it. */
    private void runnerStartsThenWaits() {
        doAnswer(call -> {
                    List<WaveItem> batch = call.getArgument(0);
                    batches.add(List.copyOf(batch));
                    batch.forEach(item -> item.started().complete(null));
                    deliveries.await(10, TimeUnit.SECONDS);
                    batch.forEach(item -> item.done().complete(null));
                    return null;
                })
                .when(runner)
                .runAll(any(), any());
    }

    @Test
    void rotationsThatArriveWithinTheLingerShareABatchUpToItsSize() {
        runnerStartsThenWaits();
        RotationWave wave = wave(3, Duration.ofSeconds(1));
        wave.start();

        List<CompletableFuture<Rotation>> outcomes =
                wave.rotateAll(List.of(request(), request(), request(), request()));

        await().atMost(Duration.ofSeconds(10)).until(() -> batches.size() == 2);
        assertThat(batches.get(0)).hasSize(3);
        assertThat(batches.get(1)).hasSize(1);
        deliveries.countDown();
        CompletableFuture.allOf(outcomes.toArray(CompletableFuture[]::new)).join();
    }

    @Test
    void aScheduledFiringReturnsOnceItsRotationIsRecordedNotWhenItIsDelivered() {
        runnerStartsThenWaits();
        RotationWave wave = wave(500, Duration.ZERO);
        wave.start();

        wave.startRotation(request()); // returns while the batch is still delivering: the latch is closed

        assertThat(deliveries.getCount()).isEqualTo(1);
        assertThat(batches).hasSize(1);
    }

    /** A firing for a key another firing took along waits for that rotation rather than asking for a second one. */
    @Test
    void aFiringForAKeyTakenAlongWaitsForThatRotation() {
        CountDownLatch recorded = new CountDownLatch(1);
        doAnswer(call -> {
                    List<WaveItem> batch = call.getArgument(0);
                    batches.add(List.copyOf(batch));
                    recorded.await(10, TimeUnit.SECONDS);
                    batch.forEach(item -> item.started().complete(null));
                    batch.forEach(item -> item.done().complete(null));
                    return null;
                })
                .when(runner)
                .runAll(any(), any());
        RotationWave wave = wave(500, Duration.ZERO);
        wave.start();
        RotationRequest takenAlong = request();

        assertThat(wave.takeAlong(List.of(takenAlong, takenAlong))).as("once").hasSize(1);
        CompletableFuture<Void> firing = CompletableFuture.runAsync(() -> wave.startRotation(takenAlong));
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> !firing.isDone());
        recorded.countDown();
        firing.join();

        assertThat(batches.stream().mapToInt(List::size).sum())
                .as("one rotation asked for")
                .isEqualTo(1);
    }

    @Test
    void aRefusalReachesItsCallerAsItWasThrown() {
        doAnswer(call -> {
                    List<WaveItem> batch = call.getArgument(0);
                    batch.forEach(item -> item.refused(
                            new RotationInProgressException(item.request().keyId())));
                    return null;
                })
                .when(runner)
                .runAll(any(), any());
        RotationWave wave = wave(500, Duration.ZERO);
        wave.start();

        assertThatThrownBy(() -> wave.startRotation(request())).isInstanceOf(RotationInProgressException.class);
        assertThatThrownBy(() -> wave.rotate(request())).isInstanceOf(RotationInProgressException.class);
    }

    @Test
    void aBatchThatStopsFailsItsOwnItemsAndTheWaveGoesOn() {
        doAnswer(call -> {
                    throw new IllegalStateException("database gone");
                })
                .doAnswer(call -> {
                    List<WaveItem> batch = call.getArgument(0);
                    batch.forEach(item -> item.done().complete(null));
                    return null;
                })
                .when(runner)
                .runAll(any(), any());
        RotationWave wave = wave(500, Duration.ZERO);
        wave.start();

        assertThatThrownBy(() -> wave.rotate(request())).hasMessage("database gone");
        wave.rotate(request()); // the next batch runs
    }

    @Test
    void beforeItStartsAndAfterItStopsARotationRunsOnTheCallersThread() {
        doAnswer(call -> {
                    List<WaveItem> batch = call.getArgument(0);
                    batches.add(List.copyOf(batch));
                    assertThat(Thread.currentThread().getName()).doesNotStartWith("rotation-wave");
                    batch.forEach(item -> item.done().complete(null));
                    return null;
                })
                .when(runner)
                .runAll(any(), any());
        RotationWave wave = wave(500, Duration.ZERO);

        wave.rotate(request());
        wave.start();
        wave.stop();
        wave.rotate(request());

        assertThat(batches).hasSize(2);
    }

    @Test
    void itsBoundsAreChecked() {
        assertThatThrownBy(() -> new RotationWaveProperties(0, Duration.ZERO, Duration.ofSeconds(1)))
                .hasMessageContaining("keybridge.rotation.wave.batch-size");
        assertThatThrownBy(() -> new RotationWaveProperties(10_001, Duration.ZERO, Duration.ofSeconds(1)))
                .hasMessageContaining("keybridge.rotation.wave.batch-size");
        assertThatThrownBy(() -> new RotationWaveProperties(1, Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .hasMessageContaining("keybridge.rotation.wave.linger");
        assertThatThrownBy(() -> new RotationWaveProperties(1, Duration.ZERO, Duration.ofMillis(49)))
                .hasMessageContaining("keybridge.rotation.wave.due-check-interval");
        assertThatThrownBy(() -> new RotationWaveProperties(1, Duration.ZERO, Duration.ofSeconds(61)))
                .hasMessageContaining("keybridge.rotation.wave.due-check-interval");
        assertThatThrownBy(() -> new RotationWave(
                        runner, new RotationWaveProperties(1, Duration.ZERO, Duration.ofSeconds(1)), 0))
                .hasMessageContaining("keybridge.delivery.concurrency");
        assertThatThrownBy(() -> new RotationWave(
                        runner, new RotationWaveProperties(1, Duration.ZERO, Duration.ofSeconds(1)), 1025))
                .hasMessageContaining("keybridge.delivery.concurrency");
    }

    private static RotationRequest request() {
        return new RotationRequest(UUID.randomUUID(), Trigger.MANUAL, "alice", null, null, null, null);
    }
}
