package io.keybridge.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.keybridge.support.Api;
import io.keybridge.support.IntegrationTest;
import io.keybridge.support.KeyRequests;
import io.keybridge.usage.KeyUsage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The dashboard in real headless Chromium (Debian's package, driven by playwright-core from npm; scripts/test installs
 * both): {@code src/test/e2e/dashboard.e2e.mjs} signs in, creates a key, checks with {@code bao kv get} that it
 * landed, rotates, emergency-rotates, revokes, runs an incident and reads the audit trail, as ADMIN and as AUDITOR.
 * Screenshots and every page's HTML go to {@code target/e2e}; the HTML is scanned here again for keys.
 */
class DashboardBrowserIntegrationTests extends IntegrationTest {

    private static final Path E2E = Path.of("src/test/e2e");
    private static final Path OUT = Path.of("target/e2e");
    private static final Pattern KEY_SHAPE = Pattern.compile("ee_(live|test)_[0-9A-Za-z]{20,}");

    @Autowired
    KeyUsage usage;

    @Test
    void theDashboardWorksEndToEndInChromiumWithoutEverShowingAKey() throws Exception {
        assertThat(Path.of("/usr/bin/chromium"))
                .as("Debian's chromium package (scripts/test installs it)")
                .exists();
        assertThat(E2E.resolve("node_modules/playwright-core"))
                .as("playwright-core (scripts/test runs npm ci in src/test/e2e)")
                .exists();
        // the incident's keys: one team's CI integrations (an owner only this test uses)
        String owner = "platform-ci";
        issue("prod_ci_deploy_platform", owner, "platform/ci-deploy/api-key", List.of("lists:read"));
        issue("prod_artifact_upload_platform", owner, "platform/artifact-upload/api-key", List.of("lists:read"));
        // a team with realistic keys, for the 1400 px check and the README's screenshot of the keys list
        String team = "growth-emea";
        issueShowcase(
                team,
                "prod_signup_enrichment_growth",
                "live",
                List.of("leads:read", "lists:read"),
                List.of(KeyRequests.vault("growth/signup-enrichment/api-key")));
        issueShowcase(
                team,
                "prod_lead_scoring_growth",
                "live",
                List.of("leads:read"),
                List.of(
                        KeyRequests.vault("growth/lead-scoring/api-key"),
                        KeyRequests.aws("growth/lead-scoring/api-key")));
        issueShowcase(
                team,
                "staging_list_export_growth",
                "test",
                List.of("lists:read", "lists:write"),
                List.of(KeyRequests.vault("growth/staging/list-export/api-key")));
        // a key with four ordinary days behind it and a spike this hour: the finding the Findings steps act on
        String spikeOwner = unique("payments");
        String spikeName = unique("prod_invoice_webhooks_payments");
        String spikePath = "e2e/" + spikeName;
        String spikeId = issueId(spikeName, spikeOwner, spikePath, List.of("lists:read"));
        replaySpike(spikeId, readKeyOverHttp(spikePath));
        String name = unique("prod_crm_sync_revops");
        String path = "e2e/" + name;

        for (String folder : List.of("pages", "screenshots")) { // what an earlier run left
            if (Files.isDirectory(OUT.resolve(folder))) {
                try (Stream<Path> old = Files.list(OUT.resolve(folder))) {
                    for (Path file : old.toList()) {
                        Files.delete(file);
                    }
                }
            }
        }
        Files.createDirectories(OUT);
        ProcessBuilder builder = new ProcessBuilder(
                        "node", E2E.resolve("dashboard.e2e.mjs").toString())
                .redirectErrorStream(true)
                .redirectOutput(OUT.resolve("dashboard.e2e.log").toFile());
        builder.environment()
                .putAll(Map.ofEntries(
                        Map.entry("KB_URL", "http://127.0.0.1:" + port),
                        Map.entry("ADMIN_TOKEN", ADMIN),
                        Map.entry("RESPONDER_TOKEN", RESPONDER),
                        Map.entry("AUDITOR_TOKEN", AUDITOR),
                        Map.entry("VERIFIER_TOKEN", VERIFIER),
                        Map.entry("BAO", bao.baoBinary().toAbsolutePath().toString()),
                        Map.entry("VAULT_ADDR", bao.address()),
                        Map.entry("CONSUMER_TOKEN", bao.consumerToken(path)),
                        Map.entry("KEY_PATH", path),
                        Map.entry("KEY_NAME", name),
                        Map.entry("INCIDENT_OWNER", owner),
                        Map.entry("SHOWCASE_OWNER", team),
                        Map.entry("SPIKE_KEY_ID", spikeId),
                        Map.entry("SPIKE_KEY_NAME", spikeName),
                        Map.entry("SPIKE_OWNER", spikeOwner),
                        Map.entry("OUT_DIR", OUT.toAbsolutePath().toString())));
        Process node = builder.start();
        boolean finished = node.waitFor(3, TimeUnit.MINUTES);
        if (!finished) {
            node.destroyForcibly();
        }
        String log = Files.readString(OUT.resolve("dashboard.e2e.log"), StandardCharsets.UTF_8);

        assertThat(finished)
                .as("the browser test finished within 3 minutes:\n" + log)
                .isTrue();
        assertThat(node.exitValue()).as(log).isZero();
        assertThat(log).contains("OK: ");
        assertThat(Files.list(OUT.resolve("screenshots"))
                        .map(p -> p.getFileName().toString()))
                .contains(
                        "sign-in.png",
                        "keys.png",
                        "keys-phone.png",
                        "create-key.png",
                        "key-detail.png",
                        "incident.png",
                        "incident-run.png",
                        "audit.png",
                        "findings.png",
                        "findings-phone.png",
                        "finding.png",
                        "key-usage.png");
        var spike = api.get("/api/v1/findings?kind=REQUEST_SPIKE&keyId=" + spikeId, AUDITOR)
                .json()
                .path("items")
                .get(0);
        assertThat(spike.path("status").asString()).isEqualTo("RESOLVED");
        assertThat(spike.path("acknowledgedBy").asString()).isEqualTo("responder");
        assertThat(spike.path("resolvedBy").asString()).isEqualTo("keybridge");
        // what the browser did is what keybridge recorded
        var key = api.get("/api/v1/keys?q=" + name, ADMIN).json().path("items").get(0);
        assertThat(key.path("status").asString()).isEqualTo("REVOKED");
        assertThat(key.path("currentVersion").asInt()).isEqualTo(3);
        List<String> pages = pagesHtml();
        assertThat(pages).hasSizeGreaterThanOrEqualTo(10);
        // the script checked each page for the keys it read from Vault (destroyed there since); here, anything shaped
        // like a key fails the test
        for (String html : pages) {
            assertThat(KEY_SHAPE.matcher(html).find()).isFalse();
            Api.capture(html); // and the suite's scan looks in them for every key any test saw
        }
    }

    /**
     * Four days of office hours, five requests an hour, then 200 in the current hour: through {@code /verify}, with
     * the clock moved to each hour and the counts flushed, as a gateway's traffic would arrive.
     */
    private void replaySpike(String keyId, String key) {
        Instant now = clock.instant();
        for (int day = 4; day >= 1; day--) {
            for (int hour = 8; hour >= 1; hour--) {
                Instant at = now.minus(Duration.ofDays(day)).minus(Duration.ofHours(hour));
                clock.advance(Duration.between(clock.instant(), at));
                verifyTimes(key, 5);
                usage.flush();
            }
        }
        clock.reset();
        verifyTimes(key, 200);
        usage.flush();
        assertThat(api.get("/api/v1/findings?kind=REQUEST_SPIKE&keyId=" + keyId, AUDITOR)
                        .json()
                        .path("totalItems")
                        .asInt())
                .as("the replay spiked")
                .isEqualTo(1);
    }

    private void verifyTimes(String key, int times) {
        for (int i = 0; i < times; i++) {
            assertThat(api.verify(VERIFIER, key, List.of("lists:read")).status())
                    .isEqualTo(200);
        }
    }

    private static List<String> pagesHtml() throws IOException {
        List<String> pages = new ArrayList<>();
        try (Stream<Path> files = Files.list(OUT.resolve("pages"))) {
            for (Path file : files.toList()) {
                pages.add(Files.readString(file, StandardCharsets.UTF_8));
            }
        }
        return pages;
    }

    private void issueShowcase(
            String owner,
            String name,
            String environment,
            List<String> scopes,
            List<Map<String, String>> destinations) {
        Map<String, Object> body = new java.util.LinkedHashMap<>(KeyRequests.key(name, owner, null, destinations));
        body.put("environment", environment);
        body.put("scopes", scopes);
        var created = api.post("/api/v1/keys", ADMIN, body);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
    }
}
