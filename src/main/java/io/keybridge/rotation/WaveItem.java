package io.keybridge.rotation;

import java.util.concurrent.CompletableFuture;

/**
 * A rotation on its way through a batch of {@link RotationRunner#runAll}: {@code started} completes once its new
 * version and intents are committed (from then on a crash leaves a recorded rotation that recovery settles), {@code
 * done} once it is confirmed everywhere or has failed. A refusal (the key revoked, busy, or replaced meanwhile)
 * completes both with its exception.
 */
record WaveItem(RotationRequest request, CompletableFuture<Void> started, CompletableFuture<Rotation> done) {

    static WaveItem of(RotationRequest request) {
        return new WaveItem(request, new CompletableFuture<>(), new CompletableFuture<>());
    }

    void refused(Throwable reason) {
        started.completeExceptionally(reason);
        done.completeExceptionally(reason);
    }

    void failed(Throwable reason) {
        started.complete(null); // a no-op if it was started; a rotation that failed after its start stays recorded
        done.completeExceptionally(reason);
    }
}
