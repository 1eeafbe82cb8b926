package io.keybridge.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.keybridge.support.Dashboard;
import io.keybridge.support.IntegrationTest;
import io.keybridge.support.SecretHygiene;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's rules over plain HTTP: sign-in and its cookie, CSRF on every form, what each role sees and may do,
 * bad input refused with nothing changed, and never a key in a page. The same flows in a real browser are in
 * {@link DashboardBrowserIntegrationTests}.
 */
class DashboardIntegrationTests extends IntegrationTest {

    private static final Pattern KEY_MATERIAL = Pattern.compile("ee_(live|test)_[0-9A-Za-z]{20,}");

    @Test
    void signInExchangesTheTokenForAStrictHttpOnlySessionCookieAndANewSessionId() {
        Dashboard browser = new Dashboard(port);
        assertThat(browser.get("/ui/keys").location()).endsWith("/login");
        String before = browser.sessionCookie().map(c -> c.getValue()).orElse("");

        Dashboard.Page signedIn = browser.signIn(ADMIN);

        assertThat(signedIn.status()).isEqualTo(302);
        String cookie = signedIn.setCookies().stream()
                .filter(c -> c.startsWith("KEYBRIDGE_SESSION="))
                .findFirst()
                .orElseThrow();
        assertThat(cookie).contains("HttpOnly").contains("SameSite=Strict").contains("Path=/");
        assertThat(browser.sessionCookie().orElseThrow().getValue()).isNotEqualTo(before);
        Dashboard.Page keys = browser.get("/ui/keys");
        assertThat(keys.status()).isEqualTo(200);
        assertThat(keys.body()).contains("API keys").contains("admin");
        assertThat(keys.header("content-security-policy")).contains("default-src 'self'");
        assertThat(keys.header("cache-control")).contains("no-store");
    }

    @Test
    void unknownAndGatewayTokensAreRefusedAtSignIn() {
        Dashboard browser = new Dashboard(port);
        Dashboard.Page unknown = browser.signIn("not-a-token");
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(unknown.body()).contains("Unknown token");

        Dashboard.Page gateway = browser.signIn(VERIFIER);
        assertThat(gateway.status()).isEqualTo(401);
        assertThat(gateway.body()).contains("only verifies keys");
        assertThat(browser.get("/ui/keys").location()).endsWith("/login");
    }

    @Test
    void aFormPostedWithoutItsCsrfTokenIsRefusedAndChangesNothing() {
        Dashboard browser = Dashboard.signedIn(port, ADMIN);
        String name = unique("no-csrf");

        Dashboard.Page refused = browser.postRaw("/ui/keys", form(name, "dash", "dash/" + name));

        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.body()).contains("CSRF");
        assertThat(api.get("/api/v1/keys?q=" + name, ADMIN)
                        .json()
                        .path("totalItems")
                        .asLong())
                .isZero();
        // nor with someone else's token
        Map<String, List<String>> forged = new LinkedHashMap<>(form(name, "dash", "dash/" + name));
        forged.put("_csrf", List.of("forged"));
        assertThat(browser.postRaw("/ui/keys", forged).status()).isEqualTo(403);
        assertThat(api.get("/api/v1/keys?q=" + name, ADMIN)
                        .json()
                        .path("totalItems")
                        .asLong())
                .isZero();
    }

    @Test
    void createShowsWhereTheKeyWentAndHowToReadItNeverTheKey() {
        Dashboard browser = Dashboard.signedIn(port, ADMIN);
        String name = unique("prod_crm_sync_revops");
        String path = "dash/" + name;
        browser.get("/ui/keys/new");

        Dashboard.Page created = browser.post("/ui/keys", form(name, "revops", path));

        assertThat(created.status()).as(created.body()).isEqualTo(302);
        Dashboard.Page detail = browser.get(created.location().replaceFirst("^https?://[^/]+", ""));
        assertThat(detail.body())
                .contains("Key issued and delivered: secret/keybridge/" + path + " version 1.")
                .contains("vault kv get -field=api_key secret/keybridge/" + path);
        String key = readKeyAsConsumer(path);
        assertThat(detail.body()).doesNotContain(key.substring(12));
        assertThat(KEY_MATERIAL.matcher(detail.body()).find()).isFalse();
        assertThat(api.verify(VERIFIER, key, List.of("lists:read")).status()).isEqualTo(200);
    }

    @Test
    void theFormTakesHowTheServiceReadsItsKeyAndTheKeyPageSaysWhatThatImplies() {
        Dashboard browser = Dashboard.signedIn(port, ADMIN);
        String name = unique("agent-read");
        String path = "dash/" + name;
        browser.get("/ui/keys/new");
        Map<String, List<String>> tooFast = new LinkedHashMap<>(form(name, "revops", path));
        tooFast.put("rotationPolicy", List.of("fast")); // overlap PT2S
        tooFast.put("destinationConsumer", List.of("vault-agent", "", ""));
        tooFast.put("destinationRefresh", List.of("", "", ""));

        Dashboard.Page refused = browser.post("/ui/keys", tooFast);

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body())
                .contains("The key was not created")
                .contains("a vault-agent consumer that refreshes every PT5M")
                .contains("the shortest overlap that works is PT10M");
        assertThat(bao.root("GET", "secret/data/keybridge/" + path, null).status())
                .isEqualTo(404);

        Map<String, List<String>> fits = new LinkedHashMap<>(tooFast);
        fits.put("rotationPolicy", List.of(""));
        fits.put("destinationRefresh", List.of("PT1M", "", ""));
        Dashboard.Page created = browser.post("/ui/keys", fits);

        assertThat(created.status()).as(created.body()).isEqualTo(302);
        Dashboard.Page detail = browser.get(created.location().replaceFirst("^https?://[^/]+", ""));
        assertThat(detail.body())
                .contains("a vault-agent consumer that refreshes every PT1M: after each rotation the old key stays"
                        + " valid at least PT2M");
    }

    @Test
    void badInputIsShownOnTheFormAndCreatesNothing() {
        Dashboard browser = Dashboard.signedIn(port, ADMIN);
        browser.get("/ui/keys/new");
        Map<String, List<String>> bad = new LinkedHashMap<>(form("-bad name", "revops", "dash/bad"));
        bad.remove("scopes");

        Dashboard.Page refused = browser.post("/ui/keys", bad);

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body())
                .contains("The key was not created")
                .contains("must start with a letter or digit")
                .contains("value=\"-bad name\""); // the form keeps what was typed
        assertThat(api.get("/api/v1/keys?q=bad%20name", ADMIN)
                        .json()
                        .path("totalItems")
                        .asLong())
                .isZero();
        assertThat(bao.root("GET", "secret/data/keybridge/dash/bad", null).status())
                .isEqualTo(404);
    }

    @Test
    void anAuditorSeesEverythingButNoButtonAndCannotAct() {
        String path = "dash/" + unique("audited");
        String id = issue(unique("audited"), "dash", path, List.of("lists:read"))
                .json()
                .path("id")
                .asString();
        Dashboard auditor = Dashboard.signedIn(port, AUDITOR);

        Dashboard.Page page = auditor.get("/ui/keys/" + id);

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body())
                .contains("secret/keybridge/" + path)
                .doesNotContain("Rotate now")
                .doesNotContain("Revoke for good")
                .doesNotContain("Emergency rotate")
                .doesNotContain("/ui/keys/new")
                .doesNotContain("/ui/incident");
        assertThat(auditor.get("/ui/keys/new").status()).isEqualTo(403);
        for (String action : List.of("rotate", "revoke", "emergency-rotate", "rename", "policy")) {
            Dashboard.Page refused = auditor.post(
                    "/ui/keys/" + id + "/" + action,
                    Map.of("reason", List.of("x"), "confirm", List.of("x"), "name", List.of("x")));
            assertThat(refused.status()).as(action).isEqualTo(403);
        }
        assertThat(auditor.post("/ui/incident", Map.of("owner", List.of("dash"), "action", List.of("rotate")))
                        .status())
                .isEqualTo(403);
        assertThat(api.get("/api/v1/keys/" + id, ADMIN).json().path("status").asString())
                .isEqualTo("ACTIVE");
        assertThat(api.get("/api/v1/keys/" + id + "/rotations", ADMIN).json()).isEmpty();
    }

    @Test
    void aResponderMayEmergencyRotateAndRevokeButNotRotateOrRename() {
        String path = "dash/" + unique("responder");
        String name = unique("responder");
        String id = issue(name, "dash", path, List.of("lists:read"))
                .json()
                .path("id")
                .asString();
        String old = readKeyAsConsumer(path);
        Dashboard responder = Dashboard.signedIn(port, RESPONDER);
        Dashboard.Page page = responder.get("/ui/keys/" + id);
        assertThat(page.body())
                .contains("Emergency rotate")
                .contains("Revoke for good")
                .doesNotContain("Rotate now");
        assertThat(responder.post("/ui/keys/" + id + "/rotate", Map.of()).status())
                .isEqualTo(403);

        Dashboard.Page noReason =
                responder.post("/ui/keys/" + id + "/emergency-rotate", Map.of("reason", List.of(" ")));
        assertThat(responder
                        .get(noReason.location().replaceFirst("^https?://[^/]+", ""))
                        .body())
                .contains("Not rotated: an emergency rotation needs a reason");
        assertThat(api.verify(VERIFIER, old, List.of("lists:read")).status()).isEqualTo(200);

        Dashboard.Page rotated = responder.post(
                "/ui/keys/" + id + "/emergency-rotate",
                Map.of("reason", List.of("seen in a public gist"), "incident", List.of("INC-7")));
        assertThat(rotated.status()).isEqualTo(302);
        assertThat(api.verify(VERIFIER, old, List.of("lists:read")).status()).isEqualTo(401);
        String replacement = readKeyAsConsumer(path);
        assertThat(api.verify(VERIFIER, replacement, List.of("lists:read")).status())
                .isEqualTo(200);
        Dashboard.Page after = responder.get("/ui/keys/" + id);
        assertThat(after.body())
                .contains("Contained at")
                .contains("EMERGENCY")
                .contains("seen in a public gist (incident INC-7)");

        Dashboard.Page wrongName = responder.post(
                "/ui/keys/" + id + "/revoke", Map.of("reason", List.of("done"), "confirm", List.of("not-the-name")));
        assertThat(responder.get("/ui/keys/" + id).body()).contains("type the key&#39;s name exactly");
        assertThat(api.verify(VERIFIER, replacement, List.of("lists:read")).status())
                .isEqualTo(200);
        assertThat(wrongName.status()).isEqualTo(302);

        responder.get("/ui/keys/" + id);
        responder.post("/ui/keys/" + id + "/revoke", Map.of("reason", List.of("done"), "confirm", List.of(name)));
        assertThat(api.verify(VERIFIER, replacement, List.of("lists:read")).status())
                .isEqualTo(401);
        assertThat(responder.get("/ui/keys/" + id).body()).contains("REVOKED").doesNotContain("Revoke for good");
    }

    @Test
    void anAdminRenamesChangesPolicyAndRotatesFromTheKeyPage() {
        String path = "dash/" + unique("admin");
        String id = issue(unique("admin"), "dash", path, List.of("lists:read"))
                .json()
                .path("id")
                .asString();
        String old = readKeyAsConsumer(path);
        Dashboard admin = Dashboard.signedIn(port, ADMIN);
        admin.get("/ui/keys/" + id);
        String renamed = unique("prod_renamed");

        admin.post("/ui/keys/" + id + "/rename", Map.of("name", List.of(renamed)));
        assertThat(admin.get("/ui/keys/" + id).body()).contains("Renamed to " + renamed + ".");
        admin.post("/ui/keys/" + id + "/policy", Map.of("policy", List.of("soft")));
        assertThat(admin.get("/ui/keys/" + id).body()).contains("Rotation policy is now soft; next rotation at");
        admin.post("/ui/keys/" + id + "/rotate", Map.of());
        Dashboard.Page page = admin.get("/ui/keys/" + id);

        var key = api.get("/api/v1/keys/" + id, ADMIN).json();
        assertThat(key.path("name").asString()).isEqualTo(renamed);
        assertThat(key.path("rotationPolicy").asString()).isEqualTo("soft");
        assertThat(key.path("currentVersion").asInt()).isEqualTo(2);
        assertThat(page.body())
                .contains("Rotated: version 2 delivered to secret/keybridge/" + path + " version 2")
                .contains("MANUAL");
        // both versions verify during the overlap
        assertThat(api.verify(VERIFIER, old, List.of("lists:read")).status()).isEqualTo(200);
        assertThat(api.verify(VERIFIER, readKeyAsConsumer(path), List.of("lists:read"))
                        .status())
                .isEqualTo(200);
        assertThat(KEY_MATERIAL.matcher(page.body()).find()).isFalse();
    }

    @Test
    void aSuspendedKeyShowsWhyAndOnlyAnAdminResumesIt() {
        String path = "dash/" + unique("held");
        String id = issue(unique("held"), "dash", path, List.of("lists:read"))
                .json()
                .path("id")
                .asString();
        String key = readKeyAsConsumer(path);
        api.patch("/api/v1/keys/" + id, ADMIN, Map.of("allowedSources", List.of("10.0.0.0/8")));
        api.post("/api/v1/keys/" + id + "/suspend", RESPONDER, Map.of("reason", "odd traffic"));
        Dashboard auditor = Dashboard.signedIn(port, AUDITOR);
        Dashboard.Page seen = auditor.get("/ui/keys/" + id);
        assertThat(seen.body())
                .contains("SUSPENDED", "No version verifies", "10.0.0.0/8")
                .doesNotContain(">Resume<");
        assertThat(auditor.post("/ui/keys/" + id + "/resume", Map.of()).status())
                .isEqualTo(403);

        Dashboard admin = Dashboard.signedIn(port, ADMIN);
        admin.get("/ui/keys/" + id);
        admin.post("/ui/keys/" + id + "/resume", Map.of());

        assertThat(admin.get("/ui/keys/" + id).body()).contains("Resumed: the versions consumers hold verify again.");
        assertThat(api.post("/api/v1/verify", VERIFIER, Map.of("clientAddress", "10.2.3.4"), Map.of("X-API-Key", key))
                        .status())
                .isEqualTo(200);
    }

    @Test
    void theKeysListSearchesFiltersAndFlagsWhatNeedsAttention() {
        String owner = unique("listowner");
        String dormantPath = "dash/" + unique("dormant");
        issue(unique("prod_findme"), owner, "dash/" + unique("findme"), List.of("leads:write"));
        String dormant = issue(unique("dormant"), owner, dormantPath, List.of("lists:read"))
                .json()
                .path("id")
                .asString();
        Dashboard admin = Dashboard.signedIn(port, ADMIN);

        Dashboard.Page found = admin.get("/ui/keys?owner=" + owner + "&q=FINDME");
        assertThat(found.body()).contains("prod_findme").doesNotContain(">dormant-");
        Dashboard.Page byScope = admin.get("/ui/keys?owner=" + owner + "&scope=lists:read");
        assertThat(byScope.body()).contains("dormant-").doesNotContain("prod_findme");

        clock.advance(java.time.Duration.ofDays(31));
        Dashboard.Page attention = admin.get("/ui/keys?owner=" + owner + "&attention=true");
        assertThat(attention.body()).contains("dormant-").contains("badge warn");
        assertThat(admin.get("/ui/keys/" + dormant).body()).contains("No verification for 30 days");
        assertThat(admin.get("/ui/keys?status=bogus").status()).isEqualTo(400);
    }

    @Test
    void theIncidentPagePreviewsThenRotatesEveryKeyAndShowsProgress() {
        String owner = unique("incident");
        List<String> paths = List.of("inc/" + unique("a"), "inc/" + unique("b"), "inc/" + unique("c"));
        List<String> old = paths.stream()
                .map(path -> {
                    issue(unique("leaked"), owner, path, List.of("lists:read"));
                    return readKeyAsConsumer(path);
                })
                .toList();
        Dashboard responder = Dashboard.signedIn(port, RESPONDER);
        responder.get("/ui/incident");

        Dashboard.Page nothing = responder.post("/ui/incident", Map.of("action", List.of("preview")));
        assertThat(nothing.body()).contains("Choose at least one criterion");
        Dashboard.Page preview =
                responder.post("/ui/incident", Map.of("owner", List.of(owner), "action", List.of("preview")));
        assertThat(preview.body()).contains("3 key(s) would be rotated").contains("Rotate these 3 keys now");
        for (String key : old) {
            assertThat(api.verify(VERIFIER, key, List.of()).status()).isEqualTo(200);
        }

        Dashboard.Page started = responder.post(
                "/ui/incident",
                Map.of("owner", List.of(owner), "reason", List.of("CI log exposed"), "action", List.of("rotate")));

        assertThat(started.status()).as(started.body()).isEqualTo(302);
        for (String key : old) {
            assertThat(api.verify(VERIFIER, key, List.of()).status()).isEqualTo(401);
        }
        String run = started.location().replaceFirst("^https?://[^/]+", "");
        Dashboard.Page progress = await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(
                        () -> responder.get(run + "/progress"),
                        page -> !page.body().contains("RUNNING"));
        assertThat(progress.body()).contains("COMPLETED").contains("3 of 3 delivered, 0 failed");
        assertThat(responder.get(run).body()).contains("Contained at").contains("leaked-");
        for (String path : paths) {
            assertThat(api.verify(VERIFIER, readKeyAsConsumer(path), List.of()).status())
                    .isEqualTo(200);
        }
    }

    @Test
    void theAuditPageFiltersByKeyAndActor() {
        String id = issue(unique("audit"), "dash", "dash/" + unique("audit"), List.of("lists:read"))
                .json()
                .path("id")
                .asString();
        Dashboard auditor = Dashboard.signedIn(port, AUDITOR);

        Dashboard.Page page = auditor.get("/ui/audit?keyId=" + id + "&actor=admin");

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("key.issue").contains(id.substring(0, 8));
        assertThat(auditor.get("/ui/audit?keyId=nope").status()).isEqualTo(400);
        assertThat(auditor.get("/ui/audit?actor=auditor&action=dashboard.sign-in")
                        .body())
                .contains("dashboard.sign-in");
    }

    @Test
    void theApiStaysStatelessBesideTheDashboard() {
        var answer = api.get("/api/v1/keys", ADMIN);
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.headers()).doesNotContainKey("set-cookie");
        // a dashboard session is no credential for the API
        Dashboard admin = Dashboard.signedIn(port, ADMIN);
        assertThat(admin.get("/api/v1/keys").status()).isEqualTo(401);
        assertThat(SecretHygiene.keysSeen()).isPositive();
    }

    private static Map<String, List<String>> form(String name, String owner, String path) {
        Map<String, List<String>> form = new LinkedHashMap<>();
        form.put("name", List.of(name));
        form.put("environment", List.of("live"));
        form.put("scopes", List.of("lists:read", "leads:read"));
        form.put("owner", List.of(owner));
        form.put("description", List.of(""));
        form.put("expires", List.of(""));
        form.put("rotationPolicy", List.of(""));
        form.put("destinationType", List.of("vault", "vault", "vault"));
        form.put("destinationPath", List.of(path, "", ""));
        form.put("destination.region", List.of("", "", ""));
        return form;
    }
}
