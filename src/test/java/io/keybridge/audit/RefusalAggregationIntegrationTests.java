package io.keybridge.audit;

import static io.keybridge.support.KeybridgeProcess.ADMIN;
import static io.keybridge.support.KeybridgeProcess.VERIFIER;
import static org.assertj.core.api.Assertions.assertThat;

import io.keybridge.support.Api;
import io.keybridge.support.KeyRequests;
import io.keybridge.support.KeybridgeProcess;
import io.keybridge.support.OpenBao;
import io.keybridge.support.OpenBaoExtension;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A caller cannot grow the audit trail by varying what it sends (issue 16, item 9): 1,000 refusals with random paths,
 * ids and addresses become a handful of rows whose counts add up to exactly 1,000. Run on keybridge's defaults, in a
 * JVM of its own, read back from its database after a graceful stop (which writes every count still pending).
 */
@ExtendWith(OpenBaoExtension.class)
class RefusalAggregationIntegrationTests {

    private static final int REFUSALS = 1_000;

    private final OpenBao bao = OpenBaoExtension.server();

    @Test
    void randomPathsIdsAndAddressesMakeAFewRowsWithExactCounts(@TempDir Path folder) throws Exception {
        Random random = new Random(20261201);
        int sent = 0;
        try (KeybridgeProcess keybridge = KeybridgeProcess.start(folder, "refusal-aggregation")) {
            Api api = keybridge.api();
            String path = "aggregation-" + UUID.randomUUID().toString().substring(0, 8) + "/k";
            Map<String, Object> body = new java.util.LinkedHashMap<>(
                    KeyRequests.key("aggregated", "aggregation", null, List.of(KeyRequests.vault(path))));
            body.put("allowedSources", List.of("10.0.0.0/8"));
            assertThat(api.post("/api/v1/keys", ADMIN, body).status()).isEqualTo(201);
            String key = bao.keyAt(path);

            while (sent < REFUSALS) {
                Api.Response refused = switch (sent % 4) {
                    case 0 -> api.get("/api/v1/" + Long.toHexString(random.nextLong()), null);
                    case 1 -> api.post("/api/v1/keys/" + UUID.randomUUID() + "/revoke", null, Map.of());
                    case 2 ->
                        api.post(
                                "/api/v1/verify",
                                VERIFIER,
                                Map.of("clientAddress", ipv6(random)),
                                Map.of("X-API-Key", "ee_live_" + "B".repeat(43) + "000000"));
                    default ->
                        api.post(
                                "/api/v1/verify",
                                VERIFIER,
                                Map.of("clientAddress", "192.0.2." + random.nextInt(256)),
                                Map.of("X-API-Key", key));
                };
                assertThat(refused.status()).as(refused.body()).isIn(401, 403, 404);
                sent++;
            }
        }

        try (Connection db = DriverManager.getConnection(
                        "jdbc:h2:file:" + folder.toAbsolutePath() + "/keybridge", "keybridge", "");
                ResultSet rows = db.createStatement()
                        .executeQuery("SELECT COUNT(*), SUM(occurrences) FROM audit_events WHERE outcome = 'REFUSED'"
                                + " AND action <> 'refusals.overflow'")) {
            rows.next();
            System.out.printf("%d refusals made %d audit rows%n", sent, rows.getInt(1));
            assertThat(rows.getInt(1)).as("audit rows").isBetween(1, 20);
            assertThat(rows.getLong(2)).as("refusals counted").isEqualTo(REFUSALS);
        }
    }

    private static String ipv6(Random random) {
        return "2001:db8:" + Integer.toHexString(random.nextInt(0x10000)) + ":"
                + Integer.toHexString(random.nextInt(0x10000)) + "::" + Integer.toHexString(1 + random.nextInt(0xfffe));
    }
}
