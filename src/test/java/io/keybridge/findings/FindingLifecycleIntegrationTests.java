package io.keybridge.findings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.keybridge.monitoring.FindingSettler;
import io.keybridge.support.Api;
import io.keybridge.support.Dashboard;
import io.keybridge.support.IntegrationTest;
import io.keybridge.usage.KeyUsage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * A finding's life through the API and the dashboard: acknowledged, resolved by hand or because its condition went
 * away, and what may not happen (acknowledging twice, resolving a resolved one, the wrong role), each refusal a problem
 * that changes nothing. The condition rules are checked against the real thing: a revoked version that stops being
 * presented, and a key emergency-rotated after a spike.
 */
class FindingLifecycleIntegrationTests extends IntegrationTest {

    @Autowired
    Findings findings;

    @Autowired
    KeyUsage usage;

    @Autowired
    FindingSettler settler;

    @Test
    void aFindingIsAcknowledgedThenResolvedAndNeitherTwice() {
        String keyId =
                issueId(unique("lifecycle"), unique("team"), unique("lifecycle") + "/api-key", List.of("lists:read"));
        Finding raised = raise(keyId, FindingKind.OFF_HOURS, Severity.MEDIUM);
        String path = "/api/v1/findings/" + raised.id();

        JsonNode open = api.get(path, AUDITOR).json();
        assertThat(open.path("status").asString()).isEqualTo("OPEN");
        assertThat(open.path("why").asString()).contains("someone else");
        assertThat(open.path("suggestion").asString()).isEqualTo("EMERGENCY_ROTATE");

        // the auditor reads and may not act
        assertProblem(api.post(path + "/acknowledge", AUDITOR, Map.of("note", "mine")), 403);
        // bad bodies: nothing changes
        assertProblem(api.post(path + "/acknowledge", RESPONDER, Map.of("note", " ")), 400);
        assertProblem(api.post(path + "/acknowledge", RESPONDER, Map.of("note", "x".repeat(501))), 400);
        assertProblem(api.post(path + "/acknowledge", RESPONDER, Map.of("note", "line\nbreak")), 400);
        assertProblem(api.post(path + "/acknowledge", RESPONDER, "{\"note\":"), 400);
        assertProblem(
                api.post("/api/v1/findings/" + UUID.randomUUID() + "/acknowledge", RESPONDER, Map.of("note", "x")),
                404);
        assertProblem(api.post("/api/v1/findings/not-a-uuid/acknowledge", RESPONDER, Map.of("note", "x")), 400);
        assertThat(api.get(path, AUDITOR).json().path("status").asString()).isEqualTo("OPEN");

        Api.Response acknowledged =
                api.post(path + "/acknowledge", RESPONDER, Map.of("note", "asking the owners about the night job"));
        assertThat(acknowledged.status()).as(acknowledged.body()).isEqualTo(200);
        assertThat(acknowledged.json().path("status").asString()).isEqualTo("ACKNOWLEDGED");
        assertThat(acknowledged.json().path("acknowledgedBy").asString()).isEqualTo("responder");
        assertThat(acknowledged.json().path("acknowledgeNote").asString())
                .isEqualTo("asking the owners about the night job");

        Api.Response twice = api.post(path + "/acknowledge", ADMIN, Map.of("note", "me too"));
        assertProblem(twice, 409);
        assertThat(twice.json().path("type").asString()).isEqualTo("urn:keybridge:problem:finding-transition");
        assertThat(twice.json().path("status").asInt()).isEqualTo(409);
        assertThat(twice.json().path("detail").asString()).contains("ACKNOWLEDGED", "by responder");

        assertProblem(api.post(path + "/resolve", RESPONDER, Map.of()), 400);
        Api.Response resolved =
                api.post(path + "/resolve", ADMIN, Map.of("reason", "the owners run a nightly export: expected"));
        assertThat(resolved.status()).as(resolved.body()).isEqualTo(200);
        assertThat(resolved.json().path("status").asString()).isEqualTo("RESOLVED");
        assertThat(resolved.json().path("resolvedBy").asString()).isEqualTo("admin");
        assertProblem(api.post(path + "/resolve", ADMIN, Map.of("reason", "again")), 409);
        assertProblem(api.post(path + "/acknowledge", RESPONDER, Map.of("note", "late")), 409);

        JsonNode trail = api.get("/api/v1/audit?keyId=" + keyId + "&size=100", AUDITOR)
                .json()
                .path("items");
        assertThat(trail.findValuesAsString("action")).contains("finding.acknowledged", "finding.resolved");
        assertThat(api.get("/api/v1/findings?keyId=" + keyId + "&status=OPEN&status=ACKNOWLEDGED", AUDITOR)
                        .json()
                        .path("totalItems")
                        .asInt())
                .isZero();
        assertThat(api.get("/api/v1/findings?keyId=" + keyId + "&status=RESOLVED", AUDITOR)
                        .json()
                        .path("totalItems")
                        .asInt())
                .isEqualTo(1);
        assertProblem(api.get("/api/v1/findings?status=DONE", AUDITOR), 400);
    }

    @Test
    void aStragglerResolvesOnceItStopsAndOpensAnewWhenItComesBack() {
        String path = unique("straggling") + "/api-key";
        String keyId = issueId(unique("straggling"), unique("team"), path, List.of("lists:read"));
        String first = readKeyAsConsumer(path);
        assertThat(api.post("/api/v1/keys/" + keyId + "/emergency-rotate", RESPONDER, Map.of("reason", "test"))
                        .status())
                .isEqualTo(200);
        assertThat(present(first)).isEqualTo(401);
        usage.flush();
        JsonNode straggler = only(keyId, "STRAGGLER");
        assertThat(straggler.path("status").asString()).isEqualTo("OPEN");

        // presented again within the quiet period: still the same finding, noticed later
        clock.advance(Duration.ofHours(2));
        assertThat(present(first)).isEqualTo(401);
        usage.flush();
        assertThat(findingsOf(keyId, "STRAGGLER")).hasSize(1);
        JsonNode again = only(keyId, "STRAGGLER");
        assertThat(again.path("lastSeenAt").asString())
                .isNotEqualTo(straggler.path("lastSeenAt").asString());
        settler.settle();
        assertThat(only(keyId, "STRAGGLER").path("status").asString()).isEqualTo("OPEN");

        // a day without it: the straggler moved
        clock.advance(Duration.ofDays(1).plusMinutes(1));
        settler.settle();
        JsonNode settled = only(keyId, "STRAGGLER");
        assertThat(settled.path("status").asString()).isEqualTo("RESOLVED");
        assertThat(settled.path("resolvedBy").asString()).isEqualTo("keybridge");
        assertThat(settled.path("resolution").asString()).contains("has not been presented");

        // and back: a new finding, the resolved one stays resolved
        assertThat(present(first)).isEqualTo(401);
        usage.flush();
        List<JsonNode> both = findingsOf(keyId, "STRAGGLER");
        assertThat(both).hasSize(2);
        assertThat(both.stream().map(f -> f.path("status").asString()).toList())
                .containsExactlyInAnyOrder("OPEN", "RESOLVED");
    }

    @Test
    void aSpikeResolvesItselfWhenTheKeyIsEmergencyRotatedAndNotBeforeAndTheNavigationCountsIt() {
        String owner = unique("team");
        String path = unique("spiking") + "/api-key";
        String keyId = issueId(unique("spiking"), owner, path, List.of("lists:read", "lists:write"));
        Dashboard auditor = Dashboard.signedIn(port, AUDITOR);
        long before = navCount(auditor.get("/ui/findings").body());
        Finding spike = raise(keyId, FindingKind.REQUEST_SPIKE, Severity.HIGH);
        Finding low = raise(keyId, FindingKind.OVER_PRIVILEGED, Severity.LOW);

        settler.settle();
        assertThat(status(spike)).as("nothing has changed yet").isEqualTo("OPEN");
        Dashboard.Page list = auditor.get("/ui/findings?owner=" + owner);
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.header("content-security-policy")).contains("default-src 'self'");
        assertThat(navCount(list.body()))
                .as("open HIGH findings in the navigation")
                .isEqualTo(before + 1);
        assertThat(list.body())
                .contains("REQUEST_SPIKE", "OVER_PRIVILEGED", "Emergency-rotate…")
                .doesNotContain("<script>");
        // open HIGH before open LOW
        assertThat(list.body().indexOf("REQUEST_SPIKE")).isLessThan(list.body().indexOf("OVER_PRIVILEGED"));
        Dashboard.Page page = auditor.get("/ui/findings/" + spike.id());
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).doesNotContain("/emergency-rotate\"").doesNotContain("/acknowledge\"");
        assertThat(auditor.get("/ui/findings/" + UUID.randomUUID()).status()).isEqualTo(404);
        assertThat(auditor.get("/ui/findings?severity=urgent").status()).isEqualTo(400);
        Dashboard responder = Dashboard.signedIn(port, RESPONDER);
        assertThat(responder.get("/ui/findings/" + spike.id()).body())
                .contains("/ui/keys/" + keyId + "/emergency-rotate", "/ui/findings/" + spike.id() + "/acknowledge");
        Dashboard.Page acknowledged =
                responder.post("/ui/findings/" + spike.id() + "/acknowledge", Map.of("note", List.of("on it")));
        assertThat(acknowledged.status()).isEqualTo(302);
        assertThat(status(spike)).isEqualTo("ACKNOWLEDGED");
        assertThat(navCount(auditor.get("/ui/findings").body()))
                .as("acknowledged: no longer counted")
                .isEqualTo(before);

        long started = System.nanoTime();
        assertThat(api.post("/api/v1/keys/" + keyId + "/emergency-rotate", RESPONDER, Map.of("reason", "the spike"))
                        .status())
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> status(spike).equals("RESOLVED"));
        JsonNode resolved = api.get("/api/v1/findings/" + spike.id(), AUDITOR).json();
        assertThat(resolved.path("resolvedBy").asString()).isEqualTo("keybridge");
        assertThat(resolved.path("resolution").asString()).contains("v1", "revoked");
        assertThat(status(low)).as("unused scopes are still unused").isEqualTo("OPEN");
        System.out.printf(
                "spike resolved %d ms after the emergency rotation was asked for%n",
                Duration.ofNanos(System.nanoTime() - started).toMillis());
    }

    @Test
    void anUnusedScopeIsNarrowedFromItsFindingAndTheFindingResolvesItself() {
        String keyId = issueId(
                unique("wide"), unique("team"), unique("wide") + "/api-key", List.of("lists:read", "lists:write"));
        Finding over = raise(keyId, FindingKind.OVER_PRIVILEGED, Severity.LOW);
        Dashboard admin = Dashboard.signedIn(port, ADMIN);
        String page = admin.get("/ui/findings/" + over.id()).body();
        assertThat(page).contains("/ui/keys/" + keyId + "/scopes", "Narrow the scopes");
        Dashboard.Page widen = admin.post("/ui/keys/" + keyId + "/scopes", Map.of("scope", List.of("leads:write")));
        assertThat(widen.status()).isEqualTo(302);
        assertThat(admin.get(java.net.URI.create(widen.location()).getPath()).body())
                .contains("Scopes unchanged");
        Dashboard auditor = Dashboard.signedIn(port, AUDITOR);
        auditor.get("/ui/keys/" + keyId);
        assertThat(auditor.post("/ui/keys/" + keyId + "/scopes", Map.of("scope", List.of("lists:read")))
                        .status())
                .isEqualTo(403);
        assertThat(api.get("/api/v1/keys/" + keyId, AUDITOR)
                        .json()
                        .path("scopes")
                        .size())
                .as("refused twice, changed nothing")
                .isEqualTo(2);

        admin.get("/ui/findings/" + over.id());
        Dashboard.Page narrowed = admin.post("/ui/keys/" + keyId + "/scopes", Map.of("scope", List.of("lists:read")));
        assertThat(narrowed.status()).isEqualTo(302);
        assertThat(api.get("/api/v1/keys/" + keyId, AUDITOR)
                        .json()
                        .path("scopes")
                        .size())
                .isEqualTo(1);
        assertThat(api.get("/api/v1/keys/" + keyId, AUDITOR)
                        .json()
                        .path("scopes")
                        .get(0)
                        .asString())
                .isEqualTo("lists:read");
        await().atMost(Duration.ofSeconds(30)).until(() -> status(over).equals("RESOLVED"));
        assertThat(api.get("/api/v1/findings/" + over.id(), AUDITOR)
                        .json()
                        .path("resolution")
                        .asString())
                .contains("no longer holds [lists:write]");
    }

    private Finding raise(String keyId, FindingKind kind, Severity severity) {
        return findings.raise(new NewFinding(
                        UUID.fromString(keyId),
                        kind,
                        severity,
                        kind + " in a test",
                        Map.of("unusedScopes", "[lists:write]"),
                        keyId + " " + kind + " " + UUID.randomUUID()))
                .orElseThrow();
    }

    private String status(Finding finding) {
        return api.get("/api/v1/findings/" + finding.id(), AUDITOR)
                .json()
                .path("status")
                .asString();
    }

    private int present(String key) {
        return api.verify(VERIFIER, key, List.of("lists:read")).status();
    }

    private JsonNode only(String keyId, String kind) {
        List<JsonNode> found = findingsOf(keyId, kind);
        assertThat(found).hasSize(1);
        return found.getFirst();
    }

    private List<JsonNode> findingsOf(String keyId, String kind) {
        JsonNode items = api.get("/api/v1/findings?keyId=" + keyId + "&kind=" + kind, AUDITOR)
                .json()
                .path("items");
        return java.util.stream.StreamSupport.stream(items.spliterator(), false).toList();
    }

    private static long navCount(String html) {
        java.util.regex.Matcher count = java.util.regex.Pattern.compile("class=\"nav-count\"[^>]*>(\\d+)<")
                .matcher(html);
        return count.find() ? Long.parseLong(count.group(1)) : 0;
    }

    private static void assertProblem(Api.Response response, int status) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/problem+json");
    }
}
