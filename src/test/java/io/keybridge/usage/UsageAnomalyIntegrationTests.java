package io.keybridge.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.keybridge.monitoring.KeyWatch;
import io.keybridge.support.Api;
import io.keybridge.support.IntegrationTest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Synthetic traffic replayed through {@code /verify} with a moving clock: two weeks of ordinary office-hours use, then
 * a day in which each key but one does one odd thing. Each odd thing raises exactly its finding; ordinary use none.
 */
class UsageAnomalyIntegrationTests extends IntegrationTest {

    private static final String OFFICE = "10.1.2.3";
    private static final int PER_HOUR = 5;

    @Autowired
    KeyUsage usage;

    @Autowired
    KeyWatch watch;

    @Test
    void eachAnomalyInAReplayRaisesExactlyItsFindingAndNormalTrafficNone() {
        Map<String, String> keyOf = new HashMap<>();
        Map<String, String> idOf = new HashMap<>();
        for (String role : List.of("normal", "spike", "offhours", "probing", "cidr")) {
            String path = unique("usage-" + role) + "/api-key";
            Map<String, Object> request = new HashMap<>(Map.of(
                    "name", unique("usage-" + role),
                    "environment", "live",
                    "owner", unique("usage-team"),
                    "scopes", List.of("lists:read"),
                    "destinations", List.of(Map.of("type", "vault", "path", path))));
            if (role.equals("cidr")) {
                request.put("allowedSources", List.of("10.0.0.0/8", "2001:db8::/32"));
            }
            Api.Response created = api.post("/api/v1/keys", ADMIN, request);
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            idOf.put(role, created.json().path("id").asString());
            keyOf.put(role, role.equals("normal") ? readKeyAsConsumer(path) : readKeyOverHttp(path));
        }
        assertThat(api.get("/api/v1/keys/" + idOf.get("cidr"), AUDITOR)
                        .json()
                        .path("allowedSources")
                        .size())
                .isEqualTo(2);
        Instant base = Instant.now().truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(15));

        // two weeks of office hours: 09:00 to 16:59 UTC, five requests an hour per key, from the office
        for (int day = 0; day < 14; day++) {
            for (int hour = 9; hour <= 16; hour++) {
                at(base, day, hour);
                keyOf.values().forEach(key -> use(key, PER_HOUR, List.of("lists:read"), OFFICE, 200));
                usage.flush();
            }
        }
        for (String id : idOf.values()) {
            assertThat(usageFindings(id)).as("two ordinary weeks raise nothing").isEmpty();
        }

        // the odd day
        at(base, 14, 3);
        use(keyOf.get("offhours"), PER_HOUR, List.of("lists:read"), OFFICE, 200);
        usage.flush();
        for (int hour = 9; hour <= 16; hour++) {
            at(base, 14, hour);
            keyOf.forEach((role, key) -> use(key, PER_HOUR, List.of("lists:read"), OFFICE, 200));
            if (hour == 10) {
                use(keyOf.get("spike"), 200, List.of("lists:read"), OFFICE, 200);
            }
            if (hour == 11) {
                use(keyOf.get("probing"), 30, List.of("leads:write"), OFFICE, 403);
            }
            if (hour == 12) {
                use(keyOf.get("cidr"), 3, List.of("lists:read"), "203.0.113.9", 403);
                use(keyOf.get("cidr"), 1, List.of("lists:read"), "2001:db8::7", 200);
                assertThat(api.send(
                                        "POST",
                                        "/api/v1/verify",
                                        VERIFIER,
                                        Map.of("scopes", List.of("lists:read")),
                                        Map.of("X-API-Key", keyOf.get("cidr"), "X-Forwarded-For", "10.9.9.9, 1.2.3.4"))
                                .status())
                        .as("X-Forwarded-For's client address counts when the body names none")
                        .isEqualTo(200);
                assertThat(api.verify(VERIFIER, keyOf.get("cidr"), List.of()).status())
                        .as("an allow-listed key is refused when the gateway gives no address")
                        .isEqualTo(403);
            }
            usage.flush();
        }

        assertThat(usageFindings(idOf.get("normal"))).isEmpty();
        assertThat(usageFindings(idOf.get("spike"))).containsExactly("REQUEST_SPIKE");
        assertThat(usageFindings(idOf.get("offhours"))).containsExactly("OFF_HOURS");
        assertThat(usageFindings(idOf.get("probing"))).containsExactly("SCOPE_PROBING");
        assertThat(usageFindings(idOf.get("cidr"))).containsExactly("SOURCE_NOT_ALLOWED");
        JsonNode spike = findings(idOf.get("spike")).get(0);
        assertThat(spike.path("evidence").path("requests").asString()).isEqualTo("205");
        assertThat(spike.path("evidence").path("medianBusyHour").asString()).isEqualTo("5");
        JsonNode refused = findings(idOf.get("cidr")).get(0);
        assertThat(refused.path("evidence").path("sources").asString()).contains("203.0.113.9", "(not given)");
        assertThat(findings(idOf.get("offhours")).get(0).path("summary").asString())
                .contains("03:00 UTC");
    }

    @Test
    void anOldVersionPresentedAfterItsOverlapIsAStragglerWithTheCallersFingerprint() {
        String path = unique("straggled") + "/api-key";
        String id = issue(unique("straggled"), unique("team"), path, List.of("lists:read"))
                .json()
                .path("id")
                .asString();
        String old = readKeyAsConsumer(path);
        assertThat(api.post("/api/v1/keys/" + id + "/rotate", ADMIN, Map.of("overlap", "PT1S"))
                        .status())
                .isEqualTo(202);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> api.verify(VERIFIER, old, List.of()).status() == 401);

        for (int i = 0; i < 3; i++) {
            assertThat(api.post(
                                    "/api/v1/verify",
                                    VERIFIER,
                                    Map.of("scopes", List.of(), "clientAddress", "198.51.100.7"),
                                    Map.of("X-API-Key", old))
                            .status())
                    .isEqualTo(401);
        }
        usage.flush();

        List<JsonNode> stragglers = findings(id).stream()
                .filter(f -> f.path("kind").asString().equals("STRAGGLER"))
                .toList();
        // one finding per fingerprint: the three calls from the consumer's address, and the wait above (no address)
        assertThat(stragglers.stream()
                        .map(f -> f.path("evidence").path("source").asString()))
                .containsExactlyInAnyOrder("198.51.100.7", "(not given)");
        JsonNode evidence = stragglers.stream()
                .filter(f -> f.path("evidence").path("source").asString().equals("198.51.100.7"))
                .findFirst()
                .orElseThrow()
                .path("evidence");
        assertThat(evidence.path("version").asString()).isEqualTo("1");
        assertThat(evidence.path("source").asString()).isEqualTo("198.51.100.7");
        assertThat(evidence.path("caller").asString()).isEqualTo("gateway");
        assertThat(evidence.path("presentations").asString()).isEqualTo("3");
        assertThat(api.post(
                                "/api/v1/verify",
                                VERIFIER,
                                Map.of("clientAddress", "example.com"),
                                Map.of("X-API-Key", old))
                        .status())
                .as("an address must be an address: a host name would be a DNS lookup")
                .isEqualTo(400);
    }

    @Test
    void scopesNoRequestNeededForNinetyDaysAreOverPrivilege() {
        String path = unique("broad") + "/api-key";
        String id = issue(unique("broad"), unique("team"), path, List.of("lists:read", "leads:write"))
                .json()
                .path("id")
                .asString();
        String key = readKeyOverHttp(path);
        use(key, 2, List.of("lists:read"), OFFICE, 200);
        usage.flush();
        watch.sweep();
        assertThat(kinds(id)).as("too young to judge").doesNotContain("OVER_PRIVILEGED");

        clock.advance(Duration.ofDays(91));
        use(key, 2, List.of("lists:read"), OFFICE, 200);
        usage.flush();
        watch.sweep();

        List<JsonNode> found = findings(id).stream()
                .filter(f -> f.path("kind").asString().equals("OVER_PRIVILEGED"))
                .toList();
        assertThat(found).hasSize(1);
        assertThat(found.getFirst().path("evidence").path("unusedScopes").asString())
                .isEqualTo("[leads:write]");
        assertThat(found.getFirst().path("evidence").path("narrowerScopes").asString())
                .isEqualTo("[lists:read]");
    }

    @Test
    void anAllowListMustHoldAddressesAndCanBeChangedAndCleared() {
        Map<String, Object> bad = new HashMap<>(Map.of(
                "name", unique("bad-cidr"),
                "environment", "live",
                "owner", "team",
                "scopes", List.of("lists:read"),
                "destinations", List.of(Map.of("type", "vault", "path", unique("bad-cidr") + "/api-key"))));
        for (String block : List.of("example.com", "10.0.0.0/33", "300.1.1.1", "10.0.0.0/x", "::g")) {
            bad.put("allowedSources", List.of(block));
            Api.Response refused = api.post("/api/v1/keys", ADMIN, bad);
            assertThat(refused.status()).as(block).isEqualTo(400);
            assertThat(refused.body()).contains("allowedSources");
        }
        String path = unique("fenced") + "/api-key";
        String id = issue(unique("fenced"), unique("team"), path, List.of("lists:read"))
                .json()
                .path("id")
                .asString();
        String key = readKeyOverHttp(path);
        assertThat(api.patch("/api/v1/keys/" + id, ADMIN, Map.of("allowedSources", List.of("192.0.2.0/24")))
                        .json()
                        .path("allowedSources")
                        .get(0)
                        .asString())
                .isEqualTo("192.0.2.0/24");
        assertThat(status(key, "198.51.100.1")).isEqualTo(403);
        assertThat(status(key, "192.0.2.44")).isEqualTo(200);
        assertThat(api.patch("/api/v1/keys/" + id, ADMIN, Map.of("allowedSources", List.of()))
                        .status())
                .isEqualTo(200);
        assertThat(status(key, "198.51.100.1")).as("cleared: anywhere again").isEqualTo(200);
        assertThat(api.get("/api/v1/audit?action=key.allowed-sources&keyId=" + id, AUDITOR)
                        .json()
                        .path("totalItems")
                        .asInt())
                .isEqualTo(2);
    }

    private int status(String key, String source) {
        return api.post("/api/v1/verify", VERIFIER, Map.of("clientAddress", source), Map.of("X-API-Key", key))
                .status();
    }

    private void at(Instant base, int day, int hour) {
        Instant target =
                base.plus(Duration.ofDays(day)).plus(Duration.ofHours(hour)).plus(Duration.ofMinutes(10));
        clock.advance(Duration.between(clock.instant(), target));
    }

    private void use(String key, int times, List<String> scopes, String source, int expected) {
        for (int i = 0; i < times; i++) {
            Api.Response answer = api.post(
                    "/api/v1/verify",
                    VERIFIER,
                    Map.of("scopes", scopes, "clientAddress", source),
                    Map.of("X-API-Key", key));
            assertThat(answer.status()).as(answer.body()).isEqualTo(expected);
        }
    }

    private List<String> usageFindings(String keyId) {
        Set<String> usageKinds =
                Set.of("REQUEST_SPIKE", "OFF_HOURS", "SCOPE_PROBING", "SOURCE_NOT_ALLOWED", "STRAGGLER");
        List<String> all = kinds(keyId);
        assertThat(usageKinds).as("no other kind about these keys").containsAll(all);
        return all;
    }

    private List<String> kinds(String keyId) {
        return findings(keyId).stream().map(f -> f.path("kind").asString()).toList();
    }

    private List<JsonNode> findings(String keyId) {
        JsonNode items = api.get("/api/v1/findings?size=500&keyId=" + keyId, AUDITOR)
                .json()
                .path("items");
        List<JsonNode> found = new java.util.ArrayList<>();
        items.forEach(found::add);
        return found;
    }
}
