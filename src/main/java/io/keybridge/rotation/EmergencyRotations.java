package io.keybridge.rotation;

import io.keybridge.audit.AuditLog;
import io.keybridge.audit.Outcome;
import io.keybridge.delivery.DeliveredVersions;
import io.keybridge.delivery.SecretDestination;
import io.keybridge.keys.ApiKey;
import io.keybridge.keys.ApiKeys;
import io.keybridge.keys.Environment;
import io.keybridge.keys.KeyProperties;
import io.keybridge.keys.KeyQuery;
import io.keybridge.keys.KeyStatus;
import io.keybridge.keys.KeyVersion;
import io.keybridge.lifecycle.InvalidKeyRequestException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Bulk emergency rotation: "this Vault token / this integration / this team leaked". Every selected key stops
 * verifying in one transaction before the run is even answered; then new versions are issued and delivered in the
 * background, a few keys at a time, with per-key progress recorded.
 */
@Service
public class EmergencyRotations {

    private static final Logger log = LoggerFactory.getLogger(EmergencyRotations.class);
    private static final java.time.Duration PROGRESS_INTERVAL = java.time.Duration.ofMillis(250);
    /** Keys whose revoked versions are removed together, their outcomes recorded in one transaction. */
    private static final int REMOVAL_CHUNK = 250;

    private final ApiKeys keys;
    private final AuditLog audit;
    private final EmergencyRuns runs;
    private final Containment containment;
    private final DeliveredVersions delivered;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final int concurrency;
    private final KeyProperties catalog;

    EmergencyRotations(
            ApiKeys keys,
            AuditLog audit,
            EmergencyRuns runs,
            Containment containment,
            DeliveredVersions delivered,
            TransactionTemplate transactions,
            Clock clock,
            @Value("${keybridge.rotation.emergency-concurrency:4}") int concurrency,
            KeyProperties catalog) {
        this.catalog = catalog;
        this.keys = keys;
        this.audit = audit;
        this.runs = runs;
        this.containment = containment;
        this.delivered = delivered;
        this.transactions = transactions;
        this.clock = clock;
        this.concurrency = Math.max(1, concurrency);
    }

    /**
     * The active keys the selector takes (what a dry run shows).
     *
     * @throws IllegalArgumentException if the selector has no criterion
     */
    public List<ApiKey> select(KeySelector selector) {
        if (selector.isEmpty()) {
            throw new IllegalArgumentException(
                    "selector needs at least one of owner, scope, environment, destinationPrefix, createdBefore, keyIds");
        }
        if (selector.scope() != null && !catalog.scopes().containsKey(selector.scope())) {
            // a typo here must never widen the selection: it would revoke keys for good
            throw new InvalidKeyRequestException(
                    "selector.scope",
                    "unknown-scope",
                    "selector.scope must name a scope of the catalog (GET /api/v1/scopes)");
        }
        KeyQuery query = new KeyQuery(
                KeyStatus.ACTIVE,
                selector.owner(),
                selector.scope(),
                selector.environment() == null ? null : Environment.of(selector.environment()));
        Set<UUID> wanted =
                selector.keyIds() == null || selector.keyIds().isEmpty() ? null : new HashSet<>(selector.keyIds());
        List<ApiKey> candidates = keys.matching(query).stream()
                .filter(key -> wanted == null || wanted.contains(key.id()))
                .filter(key -> selector.withinOwners() == null
                        || selector.withinOwners().contains(key.owner()))
                .filter(key ->
                        selector.createdBefore() == null || key.createdAt().isBefore(selector.createdBefore()))
                .sorted(java.util.Comparator.comparing(ApiKey::createdAt).thenComparing(ApiKey::id))
                .toList();
        if (selector.destinationPrefix() == null) {
            return candidates;
        }
        Set<UUID> atPrefix = keys
                .destinationsOf(candidates.stream().map(ApiKey::id).toList())
                .stream()
                .filter(d -> d.ref().startsWith(selector.destinationPrefix()))
                .map(io.keybridge.keys.KeyDestination::keyId)
                .collect(java.util.stream.Collectors.toSet());
        return candidates.stream().filter(key -> atPrefix.contains(key.id())).toList();
    }

    /** Contains every selected key now, then re-issues them in the background. */
    public EmergencyRun start(KeySelector selector, String selectorText, String reason, String actor) {
        List<UUID> keyIds = select(selector).stream().map(ApiKey::id).toList();
        UUID runId = UUID.randomUUID();
        Instant now = clock.instant();
        // containment first; the run's bookkeeping follows
        transactions.executeWithoutResult(status -> runs.start(runId, actor, reason, selectorText, keyIds.size(), now));
        Map<UUID, List<KeyVersion>> revoked = containment.contain(keyIds, actor, reason + " (run " + runId + ")", now);
        Instant contained = clock.instant();
        transactions.executeWithoutResult(status -> {
            runs.addKeys(runId, keyIds);
            runs.contained(runId, contained);
        });
        log.warn(
                "emergency run {}: {} keys contained in {} ms; re-issuing with concurrency {}",
                runId,
                keyIds.size(),
                java.time.Duration.between(now, contained).toMillis(),
                concurrency);
        Thread.ofVirtual().name("emergency-run-" + runId).start(() -> reissueAll(runId, revoked, now, actor, reason));
        return runs.find(runId).orElseThrow();
    }

    private record KeyDone(
            UUID keyId,
            EmergencyRun.Outcome outcome,
            @Nullable UUID rotationId,
            @Nullable String error) {}

    private void recordDone(UUID runId, Queue<KeyDone> done) {
        List<KeyDone> batch = new ArrayList<>();
        for (KeyDone next = done.poll(); next != null; next = done.poll()) {
            batch.add(next);
        }
        if (!batch.isEmpty()) {
            transactions.executeWithoutResult(status ->
                    batch.forEach(d -> runs.keyDone(runId, d.keyId(), d.outcome(), d.rotationId(), d.error())));
        }
    }

    private static String rootMessage(Throwable failure) {
        Throwable cause =
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        return String.valueOf(cause.getMessage());
    }

    public java.util.Optional<EmergencyRun> find(UUID runId) {
        return runs.find(runId);
    }

    private void reissueAll(
            UUID runId, Map<UUID, List<KeyVersion>> revoked, Instant revokedAt, String actor, String reason) {
        // A chunk at a time: the removals of its revoked versions are store calls made by the workers and recorded in
        // one transaction, then its new versions go to the rotation wave's batches, while the next chunk's removals
        // run.
        Queue<KeyDone> done = new ConcurrentLinkedQueue<>();
        List<CompletableFuture<Void>> outcomes = new ArrayList<>();
        List<UUID> keyIds = List.copyOf(revoked.keySet());
        try (ExecutorService workers = Executors.newFixedThreadPool(concurrency)) {
            for (int from = 0; from < keyIds.size(); from += REMOVAL_CHUNK) {
                List<UUID> chunk = keyIds.subList(from, Math.min(keyIds.size(), from + REMOVAL_CHUNK));
                Map<UUID, List<UUID>> versionsByKey = new LinkedHashMap<>();
                chunk.forEach(keyId -> versionsByKey.put(
                        keyId, revoked.get(keyId).stream().map(KeyVersion::id).toList()));
                try {
                    delivered.removeEach(versionsByKey, SecretDestination.Removal.DESTROY_VERSION, workers);
                } catch (RuntimeException e) {
                    // a removal that could not be recorded is repeated by a later one; the keys still need new versions
                    log.warn(
                            "emergency run {}: removing the revoked versions of {} keys: {}",
                            runId,
                            chunk.size(),
                            e.toString());
                }
                List<CompletableFuture<Rotation>> rotations =
                        containment.reissueRemoved(chunk, actor, reason, revokedAt);
                for (int i = 0; i < chunk.size(); i++) {
                    UUID keyId = chunk.get(i);
                    outcomes.add(rotations.get(i).handle((rotation, failure) -> {
                        done.add(
                                failure == null
                                        ? new KeyDone(keyId, EmergencyRun.Outcome.DELIVERED, rotation.id(), null)
                                        : new KeyDone(keyId, EmergencyRun.Outcome.FAILED, null, rootMessage(failure)));
                        return null;
                    }));
                }
                recordDone(runId, done);
            }
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(outcomes.toArray(CompletableFuture[]::new));
        // progress is recorded a batch at a time, one commit for many keys
        while (!all.isDone()) {
            try {
                all.get(PROGRESS_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // record what is done so far
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (ExecutionException e) {
                break; // each outcome is handled above; nothing fails here
            }
            recordDone(runId, done);
        }
        recordDone(runId, done);
        runs.finished(runId, clock.instant());
        EmergencyRun run = runs.find(runId).orElseThrow();
        audit.record(
                actor,
                "emergency.completed",
                null,
                Outcome.SUCCESS,
                "run " + runId + ": " + run.delivered() + " of " + run.total() + " keys re-issued, " + run.failed()
                        + " failed; reason: " + reason);
        log.warn("emergency run {} finished", runId);
    }
}
