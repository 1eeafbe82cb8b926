package io.keybridge.leak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.keybridge.support.Api;
import io.keybridge.support.IntegrationTest;
import io.keybridge.support.LeakReporter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A scanner reports keys it found in public: live ones stop verifying at once and are replaced. */
class LeakReportIntegrationTests extends IntegrationTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void aSignedReportContainsALiveKeyAtOnceAndDeliversAReplacement() {
        String path = unique("leaked") + "/api-key";
        String id = issue(unique("leaked"), unique("team"), path, List.of("lists:read"))
                .json()
                .path("id")
                .asString();
        String leaked = readKeyAsConsumer(path);
        String url = "https://github.com/example/app/blob/main/.env";
        String body = report(
                Map.of("token", leaked, "type", "keybridge_api_key", "url", url, "source", "content"),
                Map.of("token", "ee_live_notakeyofours0000000000000000", "type", "keybridge_api_key"),
                Map.of("token", "ghp_somethingelse"));

        Api.Response answer = sendHmac(body, LeakReporter.SECRET, body);

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.json().findValuesAsString("verdict"))
                .containsExactly("LIVE_KEY_CONTAINED", "UNKNOWN", "UNKNOWN");
        assertThat(answer.body()).doesNotContain(leaked).doesNotContain(id);
        assertThat(api.verify(VERIFIER, leaked, List.of()).status())
                .as("contained before the answer")
                .isEqualTo(401);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(api.get("/api/v1/keys/" + id, AUDITOR)
                                .json()
                                .path("currentVersion")
                                .asInt())
                        .isEqualTo(2));
        String replacement = readKeyAsConsumer(path);
        assertThat(replacement).isNotEqualTo(leaked);
        assertThat(api.verify(VERIFIER, replacement, List.of()).status()).isEqualTo(200);

        JsonNode findings =
                api.get("/api/v1/findings?keyId=" + id, AUDITOR).json().path("items");
        assertThat(findings.size()).isEqualTo(1);
        assertThat(findings.get(0).path("kind").asString()).isEqualTo("LEAK_REPORTED");
        assertThat(findings.get(0).path("severity").asString()).isEqualTo("CRITICAL");
        assertThat(findings.get(0).path("evidence").path("url").asString()).isEqualTo(url);
        JsonNode rotations =
                api.get("/api/v1/keys/" + id + "/rotations", AUDITOR).json();
        assertThat(rotations.get(0).path("trigger").asString()).isEqualTo("EMERGENCY");
        assertThat(rotations.get(0).path("reason").asString()).contains(url);

        // reported again (a second scanner, or a retry): already revoked, nothing more happens
        String again = report(Map.of("token", leaked, "url", url));
        Api.Response second = sendEcdsa(again);
        assertThat(second.status()).as(second.body()).isEqualTo(200);
        assertThat(second.json().findValuesAsString("verdict")).containsExactly("ALREADY_REVOKED");
        assertThat(api.get("/api/v1/keys/" + id + "/rotations", AUDITOR).json().size())
                .isEqualTo(1);
        assertThat(api.verify(VERIFIER, replacement, List.of()).status()).isEqualTo(200);
    }

    @Test
    void aReportSignedWithThePublicKeyIsAcceptedToo() {
        String path = unique("leaked-ec") + "/api-key";
        issue(unique("leaked-ec"), unique("team"), path, List.of("lists:read"));
        String leaked = readKeyAsConsumer(path);
        String body = report(Map.of("token", leaked, "url", "https://gist.github.com/x"));

        Api.Response answer = sendEcdsa(body);

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.json().findValuesAsString("verdict")).containsExactly("LIVE_KEY_CONTAINED");
        assertThat(api.verify(VERIFIER, leaked, List.of()).status()).isEqualTo(401);
    }

    @Test
    void unsignedBadlySignedStaleOrMalformedReportsAreRefusedAndChangeNothing() {
        String path = unique("not-leaked") + "/api-key";
        String id = issue(unique("not-leaked"), unique("team"), path, List.of("lists:read"))
                .json()
                .path("id")
                .asString();
        String key = readKeyAsConsumer(path);
        String body = report(Map.of("token", key, "url", "https://example.com"));
        String stale = Long.toString(clock.instant().getEpochSecond() - 3600);
        String future = Long.toString(clock.instant().getEpochSecond() + 3600);

        List<Api.Response> refused = List.of(
                api.send("POST", "/api/v1/leak-reports", null, body, Map.of()),
                sendHmac(body, "not-the-secret-at-all", body),
                sendHmac(body, LeakReporter.SECRET, body + " "),
                sendHmac(body + " ", LeakReporter.SECRET, body),
                send(body, LeakReporter.hmac(LeakReporter.SECRET, stale, body), stale),
                send(body, LeakReporter.hmac(LeakReporter.SECRET, future, body), future),
                send(body, "sig=bm90IGEgc2lnbmF0dXJl", now()),
                send(body, LeakReporter.hmac(LeakReporter.SECRET, now(), body), "yesterday"));
        for (Api.Response response : refused) {
            assertThat(response.status()).as(response.body()).isEqualTo(401);
            assertThat(response.contentType()).startsWith("application/problem+json");
            assertThat(response.body()).doesNotContain(key);
        }
        String notAnArray = "{\"token\":\"" + key + "\"}";
        Api.Response malformed = sendHmac(notAnArray, LeakReporter.SECRET, notAnArray);
        assertThat(malformed.status()).as(malformed.body()).isEqualTo(400);
        assertThat(malformed.contentType()).startsWith("application/problem+json");
        assertThat(malformed.body()).doesNotContain(key);
        String missingToken = "[{\"url\":\"https://example.com\"}]";
        assertThat(sendHmac(missingToken, LeakReporter.SECRET, missingToken).status())
                .isEqualTo(400);

        assertThat(api.verify(VERIFIER, key, List.of()).status())
                .as("nothing changed")
                .isEqualTo(200);
        assertThat(api.get("/api/v1/findings?keyId=" + id, AUDITOR)
                        .json()
                        .path("totalItems")
                        .asInt())
                .isZero();
        assertThat(api.get("/api/v1/keys/" + id, AUDITOR)
                        .json()
                        .path("currentVersion")
                        .asInt())
                .isEqualTo(1);
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(api.get("/api/v1/audit?action=leak-report&actor=leak-reporter", AUDITOR)
                                .json()
                                .path("totalItems")
                                .asInt())
                        .isPositive());
    }

    private String now() {
        return Long.toString(clock.instant().getEpochSecond());
    }

    private Api.Response send(String body, String signature, String timestamp) {
        return api.send(
                "POST",
                "/api/v1/leak-reports",
                null,
                body,
                Map.of("Keybridge-Timestamp", timestamp, "Keybridge-Signature", signature));
    }

    @SafeVarargs
    private static String report(Map<String, String>... entries) {
        return JSON.writeValueAsString(List.of(entries));
    }

    /**
     * Sends {@code sent} signed over {@code signed} with the shared secret, one timestamp for both the signature and
     * the header (two readings of the clock may fall either side of a second).
     */
    private Api.Response sendHmac(String sent, String secret, String signed) {
        String at = now();
        return send(sent, LeakReporter.hmac(secret, at, signed), at);
    }

    private Api.Response sendEcdsa(String body) {
        String at = now();
        return send(body, LeakReporter.ecdsa(at, body), at);
    }
}
