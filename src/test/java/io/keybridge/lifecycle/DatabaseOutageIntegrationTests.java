package io.keybridge.lifecycle;

import static io.keybridge.support.KeybridgeProcess.ADMIN;
import static io.keybridge.support.KeybridgeProcess.VERIFIER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.keybridge.support.Api;
import io.keybridge.support.KeyRequests;
import io.keybridge.support.KeybridgeProcess;
import io.keybridge.support.OpenBao;
import io.keybridge.support.OpenBaoExtension;
import io.keybridge.support.Postgres;
import io.keybridge.support.PostgresExtension;
import io.keybridge.support.RotationHistory;
import io.keybridge.support.SecretHygiene;
import io.keybridge.support.faults.SwitchableProxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/**
 * The database goes away for a while (a proxy in front of a real PostgreSQL cuts every connection and refuses new
 * ones) under a keybridge in a JVM of its own. Verification goes on from memory; whatever needs the database is
 * refused quickly with a clear {@code 503} and changes nothing, at Vault either; once the database is back, scheduled
 * rotation resumes where it was, and nothing was lost or done twice.
 */
@ExtendWith({OpenBaoExtension.class, PostgresExtension.class})
class DatabaseOutageIntegrationTests {

    private static final Duration OUTAGE = Duration.ofSeconds(15);

    private final OpenBao bao = OpenBaoExtension.server();
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @Test
    void duringAnOutageKeysVerifyAndChangesAreRefusedAfterwardsEverythingResumes() throws Exception {
        Postgres postgres = Postgres.server();
        String database = "outage_" + run;
        postgres.database(database);
        try (SwitchableProxy link = new SwitchableProxy(postgres.port());
                KeybridgeProcess node = KeybridgeProcess.start(
                        Path.of("target/crash-tests/outage-" + run),
                        "outage-" + run,
                        List.of(
                                "--spring.profiles.active=postgres",
                                "--spring.datasource.url=jdbc:postgresql://127.0.0.1:" + link.port() + "/" + database,
                                "--spring.datasource.username=keybridge"))) {
            Api api = node.api();
            String scheduledPath = "outage-" + run + "/scheduled/api-key";
            String scheduledId = issue(api, "scheduled", scheduledPath, "fast"); // rotates every 6 s
            String quietPath = "outage-" + run + "/quiet/api-key";
            String quietId = issue(api, "quiet", quietPath, "crash");
            String quietKey = read(quietPath);
            await().atMost(Duration.ofSeconds(20)).until(() -> successful(api, scheduledId) >= 1);

            link.down();
            long cutAt = System.nanoTime();
            String scheduledKey = read(scheduledPath);
            List<Integer> verifications = new CopyOnWriteArrayList<>();
            AtomicLong slowestVerification = new AtomicLong();
            Thread gateway = Thread.ofPlatform().start(() -> {
                while (System.nanoTime() - cutAt < OUTAGE.toNanos()) {
                    for (String presented : List.of(quietKey, scheduledKey)) {
                        long started = System.nanoTime();
                        verifications.add(
                                api.verify(VERIFIER, presented, List.of()).status());
                        slowestVerification.accumulateAndGet((System.nanoTime() - started) / 1_000_000, Math::max);
                    }
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            long slowest = 0;
            int refusals = 0;
            while (System.nanoTime() - cutAt < OUTAGE.toNanos()) {
                long started = System.nanoTime();
                Api.Response refused = api.post(
                        "/api/v1/keys",
                        ADMIN,
                        KeyRequests.key(
                                "during-" + run,
                                "outage-" + run,
                                null,
                                List.of(KeyRequests.vault("outage-" + run + "/during/api-key"))));
                slowest = Math.max(slowest, (System.nanoTime() - started) / 1_000_000);
                assertThat(refused.status()).as(refused.body()).isEqualTo(503);
                assertThat(refused.contentType()).isEqualTo("application/problem+json");
                assertThat(refused.json().path("type").asString())
                        .isEqualTo("urn:keybridge:problem:database-unavailable");
                assertThat(refused.headers()).containsKey("retry-after");

                Api.Response rotation = api.post("/api/v1/keys/" + quietId + "/rotate", ADMIN, Map.of());
                assertThat(rotation.status()).as(rotation.body()).isEqualTo(503);
                refusals += 2;
            }
            gateway.join();
            System.out.printf(
                    "database outage of %s: %d verifications, %d not 200, slowest %d ms; %d changes refused with 503,"
                            + " slowest refusal %d ms%n",
                    OUTAGE,
                    verifications.size(),
                    verifications.stream().filter(status -> status != 200).count(),
                    slowestVerification.get(),
                    refusals,
                    slowest);
            assertThat(verifications).as("verification goes on from memory").containsOnly(200);
            assertThat(bao.metadata("keybridge/outage-" + run + "/during/api-key")
                            .status())
                    .as("a refused issuance wrote nothing to Vault")
                    .isEqualTo(404);
            assertThat(read(quietPath)).as("a refused rotation wrote nothing").isEqualTo(quietKey);

            link.up();
            int before = successful(api, scheduledId);
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() -> {
                        Api.Response created = api.post(
                                "/api/v1/keys",
                                ADMIN,
                                KeyRequests.key(
                                        "after-" + run,
                                        "outage-" + run,
                                        null,
                                        List.of(KeyRequests.vault("outage-" + run + "/after/api-key"))));
                        assertThat(created.status()).as(created.body()).isIn(201, 409);
                    });
            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(
                            () -> assertThat(successful(api, scheduledId)).isGreaterThan(before + 1));
            assertThat(api.verify(VERIFIER, read(scheduledPath), List.of()).status())
                    .isEqualTo(200);
            assertThat(api.post("/api/v1/keys/" + quietId + "/rotate", ADMIN, Map.of("overlap", "PT2S"))
                            .status())
                    .isEqualTo(202);
            String rotated = read(quietPath);
            assertThat(rotated).isNotEqualTo(quietKey);
            assertThat(api.verify(VERIFIER, rotated, List.of()).status()).isEqualTo(200);

            List<JsonNode> history = RotationHistory.of(api, ADMIN, scheduledId);
            assertThat(history)
                    .as("no rotation left half done")
                    .noneMatch(r -> r.path("state").asString().equals("DELIVERING") && !r.equals(history.getFirst()));
            JsonNode key = api.get("/api/v1/keys/" + scheduledId, ADMIN).json();
            assertThat(key.path("destinations").get(0).path("version").asInt())
                    .as("Vault and keybridge agree on the version")
                    .isEqualTo(bao.metadata("keybridge/" + scheduledPath)
                            .json()
                            .path("data")
                            .path("current_version")
                            .asInt());
            api.post("/api/v1/keys/" + scheduledId + "/revoke", ADMIN, Map.of("reason", "end of test"));
        }
        SecretHygiene.assertNoKeyInLog(Path.of("target/crash-tests/outage-" + run + ".log"));
    }

    private static String issue(Api api, String name, String path, String policy) {
        Api.Response created = api.post(
                "/api/v1/keys",
                ADMIN,
                KeyRequests.key(
                        name + "-" + UUID.randomUUID().toString().substring(0, 8),
                        "outage",
                        policy,
                        List.of(KeyRequests.vault(path))));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().path("id").asString();
    }

    private String read(String path) {
        String key = bao.keyAt(path);
        assertThat(key).as("the key at " + path).isNotNull();
        return key;
    }

    private static int successful(Api api, String keyId) {
        return RotationHistory.delivered(RotationHistory.of(api, ADMIN, keyId)).size();
    }
}
