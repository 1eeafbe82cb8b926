package io.keybridge.verification;

import io.keybridge.keys.ApiKeys;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Remembers when each key was last used and writes it in one transaction every few seconds, so that verification
 * never waits on the database. Timestamps only move forward, in memory and in the database, and are precise to
 * {@link #PRECISION}.
 */
@Component
public class LastUseRecorder {

    private static final Logger log = LoggerFactory.getLogger(LastUseRecorder.class);

    /** How stale a recorded last use may be; finer than anyone reads it, coarse enough to keep writes rare. */
    static final Duration PRECISION = Duration.ofSeconds(1);

    private final Map<UUID, Instant> pending = new ConcurrentHashMap<>();
    private final Map<UUID, Instant> pendingVersions = new ConcurrentHashMap<>();
    private final ApiKeys keys;
    private final TransactionTemplate transactions;
    private final AtomicLong writes = new AtomicLong();

    public LastUseRecorder(ApiKeys keys, TransactionTemplate transactions) {
        this.keys = keys;
        this.transactions = transactions;
    }

    /** Registers the number of last-use write transactions as {@code keybridge.last-use.writes}. */
    @Autowired
    void registerMetrics(MeterRegistry meters) {
        FunctionCounter.builder("keybridge.last-use.writes", writes, AtomicLong::get)
                .description("Transactions that wrote last-use timestamps (one per flush with something to write)")
                .register(meters);
    }

    void record(UUID keyId, UUID versionId, Instant at) {
        remember(pending, keyId, at);
        remember(pendingVersions, versionId, at);
    }

    private static void remember(Map<UUID, Instant> map, UUID id, Instant at) {
        Instant known = map.get(id);
        // last use is kept to the second: a busy key costs a map read per request, not a write
        if (known == null || known.plus(PRECISION).isBefore(at)) {
            map.merge(id, at, (a, b) -> a.isAfter(b) ? a : b);
        }
    }

    /** The last use of a key version not yet written, if any. */
    public @Nullable Instant unflushedVersion(UUID versionId) {
        return pendingVersions.get(versionId);
    }

    /** The last use not yet written, if any: lets reads show it before the next flush. */
    public @Nullable Instant unflushed(UUID keyId) {
        return pending.get(keyId);
    }

    private static Map<UUID, Instant> drain(Map<UUID, Instant> map) {
        Map<UUID, Instant> batch = new HashMap<>();
        for (UUID id : map.keySet()) {
            Instant at = map.remove(id);
            if (at != null) {
                batch.put(id, at);
            }
        }
        return batch;
    }

    /** Writes what was recorded since the last flush. */
    @Scheduled(fixedDelayString = "${keybridge.verification.last-use-flush-interval:5s}")
    @PreDestroy
    public void flush() {
        if (pending.isEmpty() && pendingVersions.isEmpty()) {
            return;
        }
        Map<UUID, Instant> batch = drain(pending);
        Map<UUID, Instant> versionBatch = drain(pendingVersions);
        try {
            transactions.executeWithoutResult(status -> {
                keys.recordLastUse(batch);
                keys.recordVersionLastUse(versionBatch);
            });
            writes.incrementAndGet();
        } catch (RuntimeException e) {
            // keep them for the next attempt
            batch.forEach((keyId, at) -> remember(pending, keyId, at));
            versionBatch.forEach((versionId, at) -> remember(pendingVersions, versionId, at));
            log.warn("could not write last use of {} keys; will retry: {}", batch.size(), e.toString());
        }
    }
}
