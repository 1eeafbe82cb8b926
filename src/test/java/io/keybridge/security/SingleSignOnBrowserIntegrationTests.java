package io.keybridge.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.keybridge.support.Api;
import io.keybridge.support.IntegrationTest;
import io.keybridge.support.Keycloak;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Dashboard sign-in through a real Keycloak's own login page in real headless Chromium ({@code
 * src/test/e2e/sso.e2e.mjs}): a responder of one team sees only that team's keys, emergency-rotates one, is refused
 * another team's, and signs out of keybridge and Keycloak; an auditor reads and cannot act; a person in no bound group
 * is refused. The audit trail has the sign-ins and the refusal.
 */
class SingleSignOnBrowserIntegrationTests extends IntegrationTest {

    private static final Path E2E = Path.of("src/test/e2e");
    private static final Path OUT = Path.of("target/e2e-sso");

    @Test
    void peopleSignInThroughTheIdentityProviderAndSeeOnlyWhatTheirGroupsReach() throws Exception {
        Keycloak.server().awaitReady();
        String ownName = unique("sso_browser_revops");
        String otherName = unique("sso_browser_growth");
        String own = issueId(ownName, SSO_REVOPS, "sso-browser/" + ownName + "/api-key", List.of("lists:read"));
        String other = issueId(otherName, SSO_GROWTH, "sso-browser/" + otherName + "/api-key", List.of("lists:read"));

        Files.createDirectories(OUT);
        ProcessBuilder builder = new ProcessBuilder(
                        "node", E2E.resolve("sso.e2e.mjs").toString())
                .redirectErrorStream(true)
                .redirectOutput(OUT.resolve("sso.e2e.log").toFile());
        builder.environment()
                .putAll(Map.of(
                        "KB_URL", "http://127.0.0.1:" + port,
                        "OWN_KEY_ID", own,
                        "OWN_KEY_NAME", ownName,
                        "OTHER_KEY_ID", other,
                        "OTHER_KEY_NAME", otherName,
                        "OUT_DIR", OUT.toAbsolutePath().toString()));
        Process node = builder.start();
        boolean finished = node.waitFor(3, TimeUnit.MINUTES);
        if (!finished) {
            node.destroyForcibly();
        }
        String log = Files.readString(OUT.resolve("sso.e2e.log"), StandardCharsets.UTF_8);
        assertThat(finished)
                .as("the browser test finished within 3 minutes:\n" + log)
                .isTrue();
        assertThat(node.exitValue()).as(log).isZero();
        assertThat(log).contains("OK: ");

        // what the browser did is what keybridge recorded
        assertThat(api.get("/api/v1/keys/" + own, ADMIN)
                        .json()
                        .path("currentVersion")
                        .asInt())
                .isEqualTo(2);
        assertThat(api.get("/api/v1/keys/" + other, ADMIN)
                        .json()
                        .path("currentVersion")
                        .asInt())
                .isEqualTo(1);
        // refusals reach the trail at the next flush
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(api.get("/api/v1/audit?action=dashboard.sign-in", AUDITOR)
                                .body())
                        .contains("alice (oidc, sub ")
                        .contains("carol (oidc, sub ")
                        .contains("dave (oidc, sub "));
        assertThat(api.get("/api/v1/audit?keyId=" + own, AUDITOR).body()).contains("alice (oidc, sub ");
        try (Stream<Path> pages = Files.list(OUT.resolve("pages"))) {
            for (Path page : pages.toList()) {
                String html = Files.readString(page, StandardCharsets.UTF_8);
                assertThat(html).doesNotContain(Keycloak.CLIENT_SECRET);
                Api.capture(html);
            }
        }
    }
}
