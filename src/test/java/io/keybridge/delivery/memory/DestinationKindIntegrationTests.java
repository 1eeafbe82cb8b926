package io.keybridge.delivery.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.keybridge.support.Api;
import io.keybridge.support.CliRun;
import io.keybridge.support.Dashboard;
import io.keybridge.support.IntegrationTest;
import io.keybridge.support.KeyRequests;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import tools.jackson.databind.JsonNode;

/**
 * A secret store is one package: {@link MemoryDestination}, defined in the test sources and registered as a bean, is
 * issued to and rotated through the API, the dashboard's create form and the CLI, with its own request field
 * ({@code shelf}) checked by its own rules, and nothing in main code knowing it exists.
 */
class DestinationKindIntegrationTests extends IntegrationTest {

    @Autowired
    @Qualifier("memoryDestination")
    MemoryDestination store;

    @Autowired
    @Qualifier("autoNumberedMemoryDestination")
    MemoryDestination numbering;

    @Test
    void theApiIssuesAndRotatesToAStoreDefinedInTheTestsWithItsOwnFields() {
        String path = unique("api") + "/api-key";
        Map<String, Object> destination = Map.of("type", "memory", "path", path, "shelf", "blue");

        Api.Response created = issueTo("memory", List.of(destination));

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode delivered = created.json().path("destinations").get(0);
        assertThat(delivered.path("ref").asString()).isEqualTo("memory:blue/" + path);
        assertThat(delivered.path("state").asString()).isEqualTo("CONFIRMED");
        String first = store.read("memory:blue/" + path);
        assertThat(api.verify(VERIFIER, first, List.of("lists:read")).status()).isEqualTo(200);

        String id = created.json().path("id").asString();
        Api.Response rotated = api.post("/api/v1/keys/" + id + "/rotate", ADMIN, Map.of());
        assertThat(rotated.status()).as(rotated.body()).isEqualTo(202);
        String second = store.read("memory:blue/" + path);
        assertThat(second).isNotEqualTo(first);
        assertThat(api.verify(VERIFIER, second, List.of("lists:read")).status()).isEqualTo(200);
        assertThat(api.verify(VERIFIER, first, List.of("lists:read")).status())
                .as("the old version verifies during the overlap")
                .isEqualTo(200);
        assertThat(api.get("/api/v1/keys/" + id, AUDITOR)
                        .json()
                        .path("destinations")
                        .get(0)
                        .path("version")
                        .asString())
                .isEqualTo("2");
    }

    @Test
    void theStoresOwnRulesRefuseItsBadFieldsAndFieldsOfOtherStores() {
        assertRefused(
                Map.of("type", "memory", "path", "x/api-key", "region", "eu-west-1"),
                "destinations[0].region",
                "unknown-field",
                "a memory destination has no field region");
        assertRefused(
                Map.of("type", "memory", "path", "x/api-key", "shelf", "Not A Shelf"),
                "destinations[0].shelf",
                "shelf",
                "a shelf is 1 to 16 lower-case letters and digits");
        assertRefused(
                Map.of("type", "memory", "path", "x/api-key", "shelf", 7),
                "destinations[0].shelf",
                "type",
                "shelf is text");
        assertRefused(
                Map.of("type", "vault", "path", "x/api-key", "shelf", "blue"),
                "destinations[0].shelf",
                "unknown-field",
                "a vault destination has no field shelf");
        assertRefused(
                Map.of("type", "floppy", "path", "x/api-key"),
                "destinations[0].type",
                "destination-type",
                "aws, memory, memory-auto, vault");
        // a field named like anything a caller might paste, a key among them, is refused without being repeated
        String pasted = "ee_live_" + "Q".repeat(40);
        assertRefused(
                Map.of("type", "memory", "path", "x/api-key", pasted, "x"),
                "destinations[0]",
                "unknown-field",
                "a memory destination has only the fields path, shelf");
        assertThat(api.post(
                                "/api/v1/keys",
                                ADMIN,
                                KeyRequests.key(
                                        unique("bad"),
                                        "memory",
                                        null,
                                        List.of(Map.of("type", "memory", "path", "x/api-key", pasted, "x"))))
                        .body())
                .doesNotContain(pasted);
    }

    @Test
    void theDashboardOffersTheStoreAndItsFieldAndIssuesToIt() {
        Dashboard browser = Dashboard.signedIn(port, ADMIN);
        Dashboard.Page form = browser.get("/ui/keys/new");
        assertThat(form.body())
                .contains("<option value=\"memory\">Memory (test store)</option>")
                .contains("name=\"destination.shelf\"")
                .contains("Memory shelf");

        String name = unique("dash");
        String path = name + "/api-key";
        Map<String, List<String>> posted = new LinkedHashMap<>();
        posted.put("name", List.of(name));
        posted.put("environment", List.of("live"));
        posted.put("scopes", List.of("lists:read"));
        posted.put("owner", List.of("memory"));
        posted.put("destinationType", List.of("memory", "vault", "vault"));
        posted.put("destinationPath", List.of(path, "", ""));
        posted.put("destination.shelf", List.of("green", "", ""));
        posted.put("destination.region", List.of("", "", ""));
        Dashboard.Page created = browser.post("/ui/keys", posted);

        assertThat(created.status()).as(created.body()).isEqualTo(302);
        Dashboard.Page detail = browser.get(created.location().replaceFirst("^https?://[^/]+", ""));
        assertThat(detail.body()).contains("memory-store get memory:green/" + path);
        assertThat(api.verify(VERIFIER, store.read("memory:green/" + path), List.of())
                        .status())
                .isEqualTo(200);

        posted.put("name", List.of(unique("dash")));
        posted.put("destination.shelf", List.of("NOT OK", "", ""));
        Dashboard.Page refused = browser.post("/ui/keys", posted);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body()).contains("a shelf is 1 to 16 lower-case letters and digits");
    }

    @Test
    void theCliIssuesAndRotatesToAnyTypeTheServerHas() {
        String name = unique("cli");
        String path = name + "/api-key";

        CliRun created = createWithCli(name, "memory:" + path);

        assertThat(created.code()).as(created.err()).isZero();
        assertThat(created.out()).contains("delivered to memory:main/" + path + " version 1 (CONFIRMED)");
        String first = store.read("memory:main/" + path);
        assertThat(created.out()).doesNotContain(first);

        CliRun rotated = cli("rotate", name);
        assertThat(rotated.code()).as(rotated.err()).isZero();
        assertThat(rotated.out()).contains("memory:main/" + path + " version 2 (CONFIRMED)");
        assertThat(api.verify(VERIFIER, store.read("memory:main/" + path), List.of())
                        .status())
                .isEqualTo(200);

        CliRun badType = createWithCli(unique("cli"), "floppy:" + path);
        assertThat(badType.code()).as("exit code BAD_INPUT").isEqualTo(2);
        assertThat(badType.err()).contains("type must be one of aws, memory, memory-auto, vault");
        CliRun notTypePath = createWithCli(unique("cli"), path);
        assertThat(notTypePath.code()).as("exit code BAD_INPUT").isEqualTo(2);
        assertThat(notTypePath.err()).contains("--destination is TYPE:PATH");
    }

    /**
     * A store that numbers versions itself (as GCP Secret Manager and Azure Key Vault do): keybridge cannot plan the
     * number, so it records its own version id before the write and the number the write's answer names after it.
     * When that answer is lost (the write landed), the version is treated as possibly delivered — it keeps verifying,
     * since a consumer may hold it — and the store finds it again by its label, here to remove it at revocation.
     */
    @Test
    void aStoreThatNumbersItsOwnVersionsIsRecordedWithTheNumberItsAnswerNamed() {
        String path = unique("auto") + "/api-key";
        String ref = "memory-auto:main/" + path;
        Api.Response created = issueTo("memory", List.of(Map.of("type", "memory-auto", "path", path)));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().path("destinations").get(0).path("version").asString())
                .isEqualTo("1");
        String id = created.json().path("id").asString();

        assertThat(api.post("/api/v1/keys/" + id + "/rotate", ADMIN, Map.of()).status())
                .isEqualTo(202);
        assertThat(api.get("/api/v1/keys/" + id, AUDITOR)
                        .json()
                        .path("destinations")
                        .get(0)
                        .path("version")
                        .asString())
                .as("the number the store's answer named")
                .isEqualTo("2");

        numbering.loseNextAnswer();
        Api.Response lost = api.post("/api/v1/keys/" + id + "/rotate", ADMIN, Map.of());
        assertThat(lost.status()).as(lost.body()).isEqualTo(502);
        String landed = numbering.read(ref);
        assertThat(api.verify(VERIFIER, landed, List.of()).status())
                .as("a version whose write may have landed keeps verifying: a consumer may hold it")
                .isEqualTo(200);
        assertThat(api.get("/api/v1/keys/" + id, AUDITOR)
                        .json()
                        .path("destinations")
                        .get(0)
                        .path("version")
                        .asString())
                .as("the current version is still the one confirmed")
                .isEqualTo("2");
        assertThat(numbering.versionsHeld(ref)).isEqualTo(3);

        assertThat(api.post("/api/v1/keys/" + id + "/revoke", ADMIN, Map.of("reason", "end of test"))
                        .status())
                .isEqualTo(200);
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(numbering.versionsHeld(ref))
                        .as("every version removed, the one whose answer was lost found by its label")
                        .isZero());
    }

    private void assertRefused(Map<String, Object> destination, String field, String rule, String message) {
        long keysBefore =
                jdbc.sql("SELECT COUNT(*) FROM api_keys").query(Long.class).single();
        Api.Response refused =
                api.post("/api/v1/keys", ADMIN, KeyRequests.key(unique("bad"), "memory", null, List.of(destination)));
        assertThat(refused.status()).as(refused.body()).isEqualTo(400);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        JsonNode error = refused.json().path("errors").get(0);
        assertThat(error.path("field").asString() + " " + error.path("rule").asString())
                .as(refused.body())
                .isEqualTo(field + " " + rule);
        assertThat(refused.json().path("detail").asString()).contains(message);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM api_keys").query(Long.class).single())
                .isEqualTo(keysBefore);
    }

    private CliRun cli(String... args) {
        return CliRun.against(port, ADMIN, args);
    }

    /** {@code keys create} of a key named {@code name} to one {@code --destination}. */
    private CliRun createWithCli(String name, String destination) {
        return cli(
                "keys",
                "create",
                "--name",
                name,
                "--owner",
                "memory",
                "--scope",
                "lists:read",
                "--destination",
                destination);
    }
}
