package io.keybridge.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.keybridge.audit.AuditLog;
import io.keybridge.verification.LastUseRecorder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Puts keys through everything that could leak them — issue, read by the consumer, verify (valid, missing scope,
 * typo), list, audit, metrics, revoke, failed delivery — then scans every captured log line (keybridge, Spring's HTTP
 * clients and Spring Vault at DEBUG), every API response and every database row. The base class repeats the scan after
 * every integration test class.
 */
class SecretHygieneIntegrationTests extends IntegrationTest {

    @Autowired
    LastUseRecorder lastUse;

    @Autowired
    AuditLog audit;

    @Test
    void noKeyReachesALogAResponseOrTheDatabase() {
        for (int i = 0; i < 3; i++) {
            String path = unique("hygiene") + "/api-key";
            String id = issue(unique("hygiene"), "sec", path, List.of("lists:read"))
                    .json()
                    .path("id")
                    .asString();
            String key = readKeyAsConsumer(path);
            api.verify(VERIFIER, key, List.of("lists:read"));
            api.verify(VERIFIER, key, List.of("leads:write"));
            api.verify(VERIFIER, key.substring(0, 30) + "X" + key.substring(31), List.of());
            api.verify(VERIFIER, key + "x", List.of());
            // a key sent where it does not belong is not echoed either
            api.post("/api/v1/keys", ADMIN, Map.of("name", key, "environment", key, "owner", "x"));
            api.get("/api/v1/keys/" + id, AUDITOR);
            api.get("/api/v1/keys?owner=sec", AUDITOR);
            api.get("/actuator/metrics/keybridge.verifications", ADMIN);
            if (i == 0) {
                api.post("/api/v1/keys/" + id + "/revoke", RESPONDER, Map.of("reason", "hygiene test"));
                api.verify(VERIFIER, key, List.of());
            }
        }
        issue(unique("refused"), "sec", OpenBao.DENIED_FOLDER + "/" + unique("x") + "/k", List.of("lists:read"));
        lastUse.flush();
        audit.flushRefusals();
        api.get("/api/v1/audit?size=500", AUDITOR);

        assertThat(SecretHygiene.keysSeen()).isGreaterThanOrEqualTo(3);
        SecretHygiene.assertNoLeaks(jdbc);
    }

    @Test
    void theScanWouldNoticeALeak() {
        String path = unique("canary") + "/api-key";
        issue(unique("canary"), "sec", path, List.of("lists:read"));
        String key = readKeyAsConsumer(path);

        assertThat(SecretHygiene.leaksIn("INFO something logged " + key + " by mistake"))
                .hasSize(1);
        assertThat(SecretHygiene.leaksIn("only the prefix " + key.substring(0, 12)))
                .isEmpty();
    }
}
