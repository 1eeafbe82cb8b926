package io.keybridge.notification;

import io.keybridge.jdbc.Sql;
import io.keybridge.paging.Page;
import io.keybridge.paging.PageRequest;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The stored deliveries: created by the outbox, claimed and updated by the sender, listed by the API. */
@Repository
public class WebhookDeliveries {

    private final JdbcClient jdbc;

    WebhookDeliveries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The position in the audit chain up to which events were collected, locked until the transaction ends. */
    long lockCursor() {
        return jdbc.sql("SELECT seq FROM webhook_cursor WHERE id = 1 FOR UPDATE")
                .query(Long.class)
                .single();
    }

    void moveCursor(long seq) {
        jdbc.sql("UPDATE webhook_cursor SET seq = :seq WHERE id = 1")
                .param("seq", seq)
                .update();
    }

    void add(UUID eventId, String eventType, String endpoint, @Nullable UUID keyId, String payload, Instant now) {
        jdbc.sql("""
                INSERT INTO webhook_deliveries (id, event_id, event_type, endpoint, key_id, payload, status, attempts,
                                                created_at, next_attempt_at)
                VALUES (:id, :eventId, :eventType, :endpoint, :keyId, :payload, 'PENDING', 0, :now, :now)""")
                .param("id", UUID.randomUUID())
                .param("eventId", eventId)
                .param("eventType", eventType)
                .param("endpoint", endpoint)
                .param("keyId", keyId)
                .param("payload", payload)
                .param("now", Sql.timestamp(now))
                .update();
    }

    /** Deliveries due for an attempt that no node holds a lease on. */
    List<UUID> due(Instant now, int limit) {
        return jdbc.sql("""
                SELECT id FROM webhook_deliveries
                WHERE status = 'PENDING' AND next_attempt_at <= :now AND (lease_until IS NULL OR lease_until < :now)
                ORDER BY next_attempt_at LIMIT :limit""")
                .param("now", Sql.timestamp(now))
                .param("limit", limit)
                .query(UUID.class)
                .list();
    }

    /**
     * Takes a lease on a due delivery: only one node (or thread) wins it, and a node that dies holding it loses it
     * when the lease runs out.
     */
    boolean claim(UUID id, Instant now, Instant leaseUntil) {
        return jdbc.sql("""
                UPDATE webhook_deliveries SET lease_until = :leaseUntil
                WHERE id = :id AND status = 'PENDING' AND (lease_until IS NULL OR lease_until < :now)""")
                        .param("id", id)
                        .param("now", Sql.timestamp(now))
                        .param("leaseUntil", Sql.timestamp(leaseUntil))
                        .update()
                == 1;
    }

    Optional<Claimed> claimed(UUID id) {
        return jdbc.sql(
                        "SELECT id, event_id, event_type, endpoint, payload, attempts FROM webhook_deliveries WHERE id = :id")
                .param("id", id)
                .query((rs, row) -> new Claimed(
                        rs.getObject("id", UUID.class),
                        rs.getObject("event_id", UUID.class),
                        rs.getString("event_type"),
                        rs.getString("endpoint"),
                        rs.getString("payload"),
                        rs.getInt("attempts")))
                .optional();
    }

    void delivered(UUID id, int attempts, int status, Instant at) {
        jdbc.sql("""
                UPDATE webhook_deliveries SET status = 'DELIVERED', attempts = :attempts, last_status = :status,
                    last_error = NULL, last_attempt_at = :at, delivered_at = :at, lease_until = NULL
                WHERE id = :id""")
                .param("id", id)
                .param("attempts", attempts)
                .param("status", status)
                .param("at", Sql.timestamp(at))
                .update();
    }

    void attemptFailed(
            UUID id, int attempts, @Nullable Integer status, String error, Instant at, @Nullable Instant retryAt) {
        jdbc.sql("""
                UPDATE webhook_deliveries SET status = :state, attempts = :attempts, last_status = :status,
                    last_error = :error, last_attempt_at = :at, next_attempt_at = :next, lease_until = NULL
                WHERE id = :id""")
                .param("id", id)
                .param("state", retryAt == null ? "FAILED" : "PENDING")
                .param("attempts", attempts)
                .param("status", status)
                .param("error", Sql.truncate(error, 500))
                .param("at", Sql.timestamp(at))
                .param("next", Sql.timestamp(retryAt == null ? at : retryAt))
                .update();
    }

    /** The delivery log, newest first. */
    public Page<WebhookDelivery> search(
            WebhookDelivery.@Nullable Status status,
            @Nullable String eventType,
            @Nullable String endpoint,
            @Nullable UUID keyId,
            PageRequest page) {
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        Map<String, Object> params = new HashMap<>();
        if (status != null) {
            where.append(" AND status = :status");
            params.put("status", status.name());
        }
        if (eventType != null) {
            where.append(" AND event_type = :eventType");
            params.put("eventType", eventType);
        }
        if (endpoint != null) {
            where.append(" AND endpoint = :endpoint");
            params.put("endpoint", endpoint);
        }
        if (keyId != null) {
            where.append(" AND key_id = :keyId");
            params.put("keyId", keyId);
        }
        long total = jdbc.sql("SELECT COUNT(*) FROM webhook_deliveries" + where)
                .params(params)
                .query(Long.class)
                .single();
        List<WebhookDelivery> items = jdbc.sql("SELECT * FROM webhook_deliveries" + where
                        + " ORDER BY created_at DESC, id LIMIT :limit OFFSET :offset")
                .params(params)
                .param("limit", page.size())
                .param("offset", page.offset())
                .query(WebhookDeliveries::delivery)
                .list();
        return new Page<>(items, page.page(), page.size(), total);
    }

    private static WebhookDelivery delivery(ResultSet rs, int row) throws SQLException {
        return new WebhookDelivery(
                rs.getObject("id", UUID.class),
                rs.getObject("event_id", UUID.class),
                rs.getString("event_type"),
                rs.getString("endpoint"),
                rs.getObject("key_id", UUID.class),
                WebhookDelivery.Status.valueOf(rs.getString("status")),
                rs.getInt("attempts"),
                Sql.instant(rs, "created_at"),
                Sql.instant(rs, "next_attempt_at"),
                Sql.instant(rs, "last_attempt_at"),
                rs.getObject("last_status", Integer.class),
                rs.getString("last_error"),
                Sql.instant(rs, "delivered_at"));
    }

    /** A delivery this node holds the lease on, with what it sends. */
    record Claimed(UUID id, UUID eventId, String eventType, String endpoint, String payload, int attempts) {}
}
