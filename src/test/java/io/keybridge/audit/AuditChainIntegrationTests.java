package io.keybridge.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.keybridge.support.IntegrationTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The audit trail is hash-chained: concurrent writers chain in one order, and a row changed, removed or added by hand
 * is found by {@code GET /api/v1/audit/verify}, which names the first broken entry.
 */
class AuditChainIntegrationTests extends IntegrationTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    AuditLog audit;

    @Autowired
    TransactionTemplate transactions;

    @Test
    void concurrentActionsAndRefusalsChainIntoOneIntactTrail() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                results.add(pool.submit(() -> issueTo(
                                "chain", List.of(Map.of("type", "vault", "path", "chain/" + unique("k"))))
                        .status()));
                results.add(
                        pool.submit(() -> api.get("/api/v1/keys", "wrong-token").status()));
            }
            for (Future<Integer> result : results) {
                assertThat(result.get()).isIn(201, 401);
            }
        } finally {
            pool.shutdown();
        }
        audit.flushRefusals();

        JsonNode report = verify();

        assertThat(report.path("intact").asBoolean()).as(report.toString()).isTrue();
        assertThat(report.path("entriesChecked").asLong()).isGreaterThanOrEqualTo(48);
        assertThat(report.path("headSeq").asLong())
                .isEqualTo(report.path("entriesChecked").asLong());
        assertThat(jdbc.sql("SELECT COUNT(*) FROM audit_events WHERE chain_seq IS NULL")
                        .query(Long.class)
                        .single())
                .isZero();
    }

    @Test
    void aChangedRowIsTheFirstBrokenEntryUntilItIsPutBack() {
        issueTo("chain", List.of(Map.of("type", "vault", "path", "chain/" + unique("changed"))));
        Row row = lastEntry("key.issue");

        jdbc.sql("UPDATE audit_events SET detail = 'delivered to somewhere else' WHERE id = :id")
                .param("id", row.id())
                .update();
        JsonNode broken = verify();
        jdbc.sql("UPDATE audit_events SET detail = :detail WHERE id = :id")
                .param("detail", row.detail())
                .param("id", row.id())
                .update();

        assertThat(broken.path("intact").asBoolean()).isFalse();
        assertThat(broken.path("firstBroken").path("chainSeq").asLong()).isEqualTo(row.seq());
        assertThat(broken.path("firstBroken").path("id").asLong()).isEqualTo(row.id());
        assertThat(broken.path("firstBroken").path("problem").asString()).contains("fields");
        assertThat(verify().path("intact").asBoolean()).isTrue();
    }

    @Test
    void aRemovedRowBreaksTheChainUntilItIsPutBack() {
        issueTo("chain", List.of(Map.of("type", "vault", "path", "chain/" + unique("removed"))));
        issueTo("chain", List.of(Map.of("type", "vault", "path", "chain/" + unique("after"))));
        Row row = lastEntry("key.issue.started");

        jdbc.sql("DELETE FROM audit_events WHERE id = :id")
                .param("id", row.id())
                .update();
        JsonNode removed = verify();
        jdbc.sql("""
                INSERT INTO audit_events (id, occurred_at, actor, action, key_id, outcome, request_id, detail,
                                          occurrences, chain_seq, prev_hash, hash)
                VALUES (:id, :at, :actor, :action, :keyId, :outcome, :requestId, :detail, :occurrences, :seq, :prev, :hash)""").paramSource(row.columns()).update();
        assertThat(verify().path("intact").asBoolean()).isTrue();

        assertThat(removed.path("intact").asBoolean()).isFalse();
        assertThat(removed.path("firstBroken").path("chainSeq").asLong()).isEqualTo(row.seq());
        assertThat(removed.path("firstBroken").path("problem").asString()).contains("is missing");
    }

    @Test
    void anEntryRecordedInATransactionThatRollsBackLeavesNoTrace() {
        long before = verify().path("headSeq").asLong();

        try {
            transactions.executeWithoutResult(status -> {
                audit.record("admin", "test.rolled-back", null, Outcome.SUCCESS, "never written");
                throw new IllegalStateException("roll back");
            });
        } catch (IllegalStateException expected) {
            // rolled back
        }
        audit.record("admin", "test.outside-a-transaction", null, Outcome.SUCCESS, "written at once");

        assertThat(jdbc.sql("SELECT COUNT(*) FROM audit_events WHERE action = 'test.rolled-back'")
                        .query(Long.class)
                        .single())
                .isZero();
        JsonNode after = verify();
        assertThat(after.path("intact").asBoolean()).isTrue();
        assertThat(after.path("headSeq").asLong()).isGreaterThan(before);
    }

    @Test
    void theExportIsJsonLinesWithEveryEntrysHashes() {
        issueTo("chain", List.of(Map.of("type", "vault", "path", "chain/" + unique("export"))));

        var export = api.get("/api/v1/audit/export", AUDITOR);

        assertThat(export.status()).isEqualTo(200);
        assertThat(export.contentType()).startsWith("application/jsonl");
        List<String> lines = export.body().lines().toList();
        long rows =
                jdbc.sql("SELECT COUNT(*) FROM audit_events").query(Long.class).single();
        assertThat((long) lines.size()).isBetween(rows - 5, rows); // refusals may be flushed meanwhile
        JsonNode last = JSON.readTree(lines.getLast());
        assertThat(last.path("hash").asString()).hasSize(64);
        assertThat(last.path("prevHash").asString()).hasSize(64);
        assertThat(last.path("chainSeq").asLong()).isPositive();
        assertThat(api.get("/api/v1/audit/verify", VERIFIER).status()).isEqualTo(403);
        assertThat(api.get("/api/v1/audit/export", VERIFIER).status()).isEqualTo(403);
    }

    private JsonNode verify() {
        var answer = api.get("/api/v1/audit/verify", AUDITOR);
        assertThat(answer.status()).isEqualTo(200);
        return answer.json();
    }

    private Row lastEntry(String action) {
        return jdbc.sql("SELECT * FROM audit_events WHERE action = :action ORDER BY chain_seq DESC")
                .param("action", action)
                .query((rs, n) -> new Row(
                        rs.getLong("id"),
                        rs.getLong("chain_seq"),
                        rs.getString("detail"),
                        Map.ofEntries(
                                Map.entry("id", rs.getLong("id")),
                                Map.entry("at", rs.getObject("occurred_at", java.time.OffsetDateTime.class)),
                                Map.entry("actor", rs.getString("actor")),
                                Map.entry("action", rs.getString("action")),
                                Map.entry("keyId", nullable(rs.getObject("key_id", java.util.UUID.class))),
                                Map.entry("outcome", rs.getString("outcome")),
                                Map.entry("requestId", nullable(rs.getString("request_id"))),
                                Map.entry("detail", nullable(rs.getString("detail"))),
                                Map.entry("occurrences", rs.getInt("occurrences")),
                                Map.entry("seq", rs.getLong("chain_seq")),
                                Map.entry("prev", rs.getString("prev_hash")),
                                Map.entry("hash", rs.getString("hash")))))
                .list()
                .getFirst();
    }

    private static Object nullable(Object value) {
        return value == null ? java.util.Optional.empty() : value;
    }

    record Row(long id, long seq, String detail, Map<String, Object> values) {

        org.springframework.jdbc.core.namedparam.MapSqlParameterSource columns() {
            org.springframework.jdbc.core.namedparam.MapSqlParameterSource source =
                    new org.springframework.jdbc.core.namedparam.MapSqlParameterSource();
            values.forEach((name, value) ->
                    source.addValue(name, value instanceof java.util.Optional<?> ? null : value));
            return source;
        }
    }
}
