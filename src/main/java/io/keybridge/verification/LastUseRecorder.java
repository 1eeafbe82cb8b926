package io.keybridge.verification;

import io.keybridge.keys.ApiKeys;
import jakarta.annotation.PreDestroy;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Remembers when each key was last used and writes it in one transaction every few seconds, so that verification
 * never waits on the database. Timestamps only move forward, in memory and in the database.
 */
@Component
public class LastUseRecorder {

    private static final Logger log = LoggerFactory.getLogger(LastUseRecorder.class);

    private final Map<UUID, Instant> pending = new ConcurrentHashMap<>();
    private final ApiKeys keys;
    private final TransactionTemplate transactions;

    public LastUseRecorder(ApiKeys keys, TransactionTemplate transactions) {
        this.keys = keys;
        this.transactions = transactions;
    }

    void record(UUID keyId, Instant at) {
        Instant known = pending.get(keyId);
        // the common case (same key, later instant) is a plain put; merge only when racing
        if (known == null || known.isBefore(at)) {
            pending.merge(keyId, at, (a, b) -> a.isAfter(b) ? a : b);
        }
    }

    /** The last use not yet written, if any: lets reads show it before the next flush. */
    public @Nullable Instant unflushed(UUID keyId) {
        return pending.get(keyId);
    }

    /** Writes what was recorded since the last flush. */
    @Scheduled(fixedDelayString = "${keybridge.verification.last-use-flush-interval:5s}")
    @PreDestroy
    public void flush() {
        if (pending.isEmpty()) {
            return;
        }
        Map<UUID, Instant> batch = new HashMap<>();
        for (UUID keyId : pending.keySet()) {
            Instant at = pending.remove(keyId);
            if (at != null) {
                batch.put(keyId, at);
            }
        }
        try {
            transactions.executeWithoutResult(status -> keys.recordLastUse(batch));
        } catch (RuntimeException e) {
            batch.forEach((keyId, at) -> record(keyId, at)); // keep them for the next attempt
            log.warn("could not write last use of {} keys; will retry: {}", batch.size(), e.toString());
        }
    }
}
