package io.keybridge.rotation;

import static io.keybridge.support.KeybridgeProcess.ADMIN;
import static io.keybridge.support.KeybridgeProcess.VERIFIER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.keybridge.delivery.StepReached.Step;
import io.keybridge.support.Api;
import io.keybridge.support.KeyRequests;
import io.keybridge.support.KeybridgeProcess;
import io.keybridge.support.Moto;
import io.keybridge.support.MotoExtension;
import io.keybridge.support.OpenBao;
import io.keybridge.support.OpenBaoExtension;
import io.keybridge.support.RotationHistory;
import io.keybridge.support.SecretHygiene;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/**
 * Crash safety, with real processes: keybridge runs in a JVM of its own, a rotation is held at one step, the JVM is
 * killed with {@code kill -9} there, and a new JVM on the same database must bring the key to a correct end — one
 * {@code ACTIVE} version, the one the destination holds, no second new version when the first one was already
 * delivered, and the old key valid until the new one is confirmed.
 */
@ExtendWith({OpenBaoExtension.class, MotoExtension.class})
class RotationCrashIntegrationTests {

    /**
     * Each crash point is run this many times, each time on a new key: once in CI (6 kills), 10 times (60 kills) with
     * {@code scripts/test --full}.
     */
    private static final int RUNS = Integer.getInteger("keybridge.test.crash-runs", 1);

    private static final List<Step> CRASH_POINTS = List.of(
            Step.VERSION_RECORDED,
            Step.WRITE_PLANNED,
            Step.WRITTEN,
            Step.CONFIRMED,
            Step.ACTIVATED,
            Step.OLD_VERSIONS_REVOKED);

    private final OpenBao bao = OpenBaoExtension.server();
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    private record Crashed(String keyId, String path, String oldKey, Step step) {}

    @Test
    void aRotationKilledAtAnyStepEndsWithOneActiveVersionThatTheDestinationHolds() throws SQLException {
        Path folder = Path.of("target/crash-tests/steps-" + run);
        List<Crashed> crashed = new ArrayList<>();
        int starts = 0;
        KeybridgeProcess node = KeybridgeProcess.start(folder, "steps-" + run + "-" + starts++);
        try {
            for (int attempt = 1; attempt <= RUNS; attempt++) {
                for (Step step : CRASH_POINTS) {
                    String path = "crash-" + run + "/" + step.name().toLowerCase() + "-" + attempt + "/api-key";
                    String keyId = issue(node.api(), path, "crash");
                    String oldKey = read(path);

                    node.crashAt(step);
                    rotate(node.api(), keyId, step);
                    assertThat(node.awaitCrashPoint(Duration.ofSeconds(30))).isEqualTo(keyId + " " + step);
                    int vaultVersionAtCrash = vaultVersion(path);
                    node.kill9();

                    node = KeybridgeProcess.start(folder, "steps-" + run + "-" + starts++);
                    Crashed crash = new Crashed(keyId, path, oldKey, step);
                    assertRecovered(node.api(), crash, vaultVersionAtCrash);
                    crashed.add(crash);
                }
            }
            Api api = node.api();
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                for (Crashed crash : crashed) {
                    assertOverlapEnded(api, crash);
                }
            });
        } finally {
            node.close();
        }
        assertDatabaseConsistent(folder, crashed.size(), true);
        for (int i = 0; i < starts; i++) {
            SecretHygiene.assertNoKeyInLog(Path.of("target/crash-tests/steps-" + run + "-" + i + ".log"));
        }
    }

    /**
     * A key delivered to Vault and AWS, killed after the new version reached Vault but before AWS: the material is
     * gone with the process, so that version cannot be finished. It may already be in use (a consumer read it from
     * Vault), so it stays valid; the rotation runs again and delivers a new version everywhere, and the partly
     * delivered one is retired with the old one when that rotation's overlap ends.
     */
    @Test
    void aRotationKilledBetweenItsVaultAndAwsWritesIsRedoneEverywhere() {
        Path folder = Path.of("target/crash-tests/two-destinations-" + run);
        String path = "crash-" + run + "/two-destinations/api-key";
        Moto moto = Moto.server();
        KeybridgeProcess node = KeybridgeProcess.start(folder, "two-destinations-" + run + "-0");
        try {
            Api.Response created = node.api()
                    .post(
                            "/api/v1/keys",
                            ADMIN,
                            KeyRequests.key(
                                    "crash-" + UUID.randomUUID().toString().substring(0, 8),
                                    "crash-tests",
                                    "crash",
                                    List.of(KeyRequests.vault(path), KeyRequests.aws(path))));
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            String keyId = created.json().path("id").asString();
            String oldKey = read(path);
            assertThat(awsCurrent(moto, path)).isEqualTo(oldKey);

            node.crashAt(Step.WRITTEN); // the first destination's write: Vault
            rotate(node.api(), keyId, Step.WRITTEN);
            node.awaitCrashPoint(Duration.ofSeconds(30));
            String partial = read(path);
            assertThat(partial).as("Vault has the new version").isNotEqualTo(oldKey);
            assertThat(awsCurrent(moto, path)).as("AWS does not").isEqualTo(oldKey);
            node.kill9();

            node = KeybridgeProcess.start(folder, "two-destinations-" + run + "-1");
            Api api = node.api();
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(
                            () -> assertThat(successful(history(api, keyId))).hasSize(1));
            String replacement = read(path);
            assertThat(replacement).isNotEqualTo(partial).isNotEqualTo(oldKey);
            assertThat(awsCurrent(moto, path))
                    .as("both destinations hold the same, new key")
                    .isEqualTo(replacement);
            assertThat(api.verify(VERIFIER, replacement, List.of()).status()).isEqualTo(200);
            JsonNode key = api.get("/api/v1/keys/" + keyId, ADMIN).json();
            assertThat(key.path("currentVersion").asInt()).isEqualTo(3);
            assertThat(api.verify(VERIFIER, partial, List.of()).status())
                    .as("the partly delivered key may be in use: valid during the overlap")
                    .isEqualTo(200);
            assertThat(api.verify(VERIFIER, oldKey, List.of()).status())
                    .as("the old key: valid during the overlap")
                    .isEqualTo(200);

            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertThat(api.verify(VERIFIER, partial, List.of()).status()).isEqualTo(401);
                assertThat(api.verify(VERIFIER, oldKey, List.of()).status()).isEqualTo(401);
            });
            assertThat(api.verify(VERIFIER, read(path), List.of()).status()).isEqualTo(200);
            assertThat(awsCurrent(moto, path)).isEqualTo(replacement);
            api.post("/api/v1/keys/" + keyId + "/revoke", ADMIN, Map.of("reason", "end of test"));
        } finally {
            node.close();
        }
        for (int i = 0; i < 2; i++) {
            SecretHygiene.assertNoKeyInLog(Path.of("target/crash-tests/two-destinations-" + run + "-" + i + ".log"));
        }
    }

    /** How many keys fall due at once in each wave of {@link #aWaveKilledInsideItsBatchesRotatesEveryKeyOnce}. */
    private static final int WAVE_KEYS = 40;

    /**
     * Waves of scheduled rotations, due at one instant and carried in batches, killed inside them: after a batch's
     * intents are committed and before any of its calls, with half the wave's writes made (every rotating thread held
     * where it is, calls in flight included), and after a batch's outcomes are committed. After the restart every key
     * has rotated exactly once: one delivered rotation, its version the one Vault holds, written there once (Vault's
     * version 2: no second write), the old key valid through the overlap.
     */
    @Test
    void aWaveKilledInsideItsBatchesRotatesEveryKeyOnce() throws Exception {
        Path folder = Path.of("target/crash-tests/wave-" + run);
        Path policies = folder.resolveSibling("wave-" + run + "-policies");
        Instant firstWave = Instant.now().plusSeconds(30).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        writeWavePolicies(policies, firstWave);
        // four calls at a time, so that holding every thread at the 20th write stops the batch with about half of its
        // calls made
        List<String> arguments = List.of(
                "--keybridge.rotation.policies=" + policies.toAbsolutePath(), "--keybridge.delivery.concurrency=4");
        record Crash(Step step, int occurrence) {}
        List<Crash> crashes = List.of(
                new Crash(Step.VERSION_RECORDED, 1),
                new Crash(Step.WRITTEN, WAVE_KEYS / 2),
                new Crash(Step.ACTIVATED, 1));
        int starts = 0;
        List<Crashed> crashed = new ArrayList<>();
        KeybridgeProcess node = KeybridgeProcess.start(folder, "wave-" + run + "-" + starts++, arguments);
        try {
            for (Crash crash : crashes) {
                String group = crash.step().name().toLowerCase() + "-" + crash.occurrence();
                List<Crashed> wave = new ArrayList<>();
                for (int i = 0; i < WAVE_KEYS; i++) {
                    String path = "crash-" + run + "/wave-" + group + "-" + i + "/api-key";
                    String keyId = issue(node.api(), path, "crash");
                    wave.add(new Crashed(keyId, path, read(path), crash.step()));
                }
                Instant due = moveToWave(node.api(), wave, firstWave);
                node.crashAt(crash.step(), crash.occurrence());
                assertThat(node.awaitCrashPoint(
                                Duration.between(Instant.now(), due).plusSeconds(30)))
                        .endsWith(" " + crash.step());
                node.kill9();
                System.out.printf(
                        "wave %s: killed at %s %d, %d of %d keys at Vault's version 2%n",
                        group,
                        crash.step(),
                        crash.occurrence(),
                        wave.stream().filter(k -> vaultVersion(k.path()) == 2).count(),
                        WAVE_KEYS);

                node = KeybridgeProcess.start(folder, "wave-" + run + "-" + starts++, arguments);
                Api api = node.api();
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                    for (Crashed key : wave) {
                        List<JsonNode> history = history(api, key.keyId());
                        assertThat(history)
                                .noneMatch(r -> r.path("state").asString().equals("DELIVERING"));
                        assertThat(successful(history)).as(key.path()).hasSize(1);
                    }
                });
                for (Crashed key : wave) {
                    String held = read(key.path());
                    JsonNode details =
                            api.get("/api/v1/keys/" + key.keyId(), ADMIN).json();
                    assertThat(api.verify(VERIFIER, held, List.of()).status())
                            .as("the key Vault holds verifies")
                            .isEqualTo(200);
                    assertThat(held).startsWith(details.path("prefix").asString());
                    assertThat(vaultVersion(key.path()))
                            .as("%s written once: no second version at Vault", key.path())
                            .isEqualTo(2);
                    assertThat(details.path("destinations")
                                    .get(0)
                                    .path("version")
                                    .asString())
                            .isEqualTo("2");
                    assertThat(api.verify(VERIFIER, key.oldKey(), List.of()).status())
                            .as("the old key is valid through the overlap")
                            .isEqualTo(200);
                }
                crashed.addAll(wave);
            }
        } finally {
            node.close();
        }
        assertDatabaseConsistent(folder, crashed.size(), false);
        for (int i = 0; i < starts; i++) {
            SecretHygiene.assertNoKeyInLog(Path.of("target/crash-tests/wave-" + run + "-" + i + ".log"));
        }
    }

    /** Seconds between two wave policies: a wave is due at the first of them far enough ahead. */
    private static final int WAVE_SPACING = 5;

    private static final int WAVE_CANDIDATES = 120;

    /** The test's policies, plus one-shot cron policies every {@link #WAVE_SPACING} seconds for ten minutes. */
    private static void writeWavePolicies(Path folder, Instant first) throws java.io.IOException {
        java.nio.file.Files.createDirectories(folder);
        try (var files = java.nio.file.Files.list(Path.of("src/test/resources/rotation-policies"))) {
            for (Path file : files.toList()) {
                java.nio.file.Files.copy(
                        file, folder.resolve(file.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        for (int i = 0; i < WAVE_CANDIDATES; i++) {
            java.time.ZonedDateTime at =
                    first.plusSeconds((long) WAVE_SPACING * i).atZone(java.time.ZoneOffset.UTC);
            java.nio.file.Files.writeString(folder.resolve("wave-" + i + ".yaml"), """
                    name: wave-%d
                    cron: "%d %d %d %d %d ? %d"
                    overlap: PT2M
                    rotateBeforeExpiry: PT1M
                    revokeAtDestination: destroy
                    """.formatted(
                            i,
                            at.getSecond(),
                            at.getMinute(),
                            at.getHour(),
                            at.getDayOfMonth(),
                            at.getMonthValue(),
                            at.getYear()));
        }
    }

    /**
     * Moves the keys to the first wave policy at least a few seconds ahead (more than moving them takes).
     *
     * @return when the wave is due
     */
    private static Instant moveToWave(Api api, List<Crashed> keys, Instant firstWave) {
        int candidate = 0;
        while (firstWave
                .plusSeconds((long) WAVE_SPACING * candidate)
                .isBefore(Instant.now().plusSeconds(4))) {
            candidate++;
        }
        assertThat(candidate).as("a wave policy far enough ahead").isLessThan(WAVE_CANDIDATES);
        Instant due = firstWave.plusSeconds((long) WAVE_SPACING * candidate);
        for (Crashed key : keys) {
            Api.Response moved =
                    api.patch("/api/v1/keys/" + key.keyId(), ADMIN, Map.of("rotationPolicy", "wave-" + candidate));
            assertThat(moved.status()).as(moved.body()).isEqualTo(200);
        }
        assertThat(Instant.now()).as("keys moved before their wave").isBefore(due);
        return due;
    }

    private static String awsCurrent(Moto moto, String secretId) {
        OpenBao.Cli read = moto.read("keybridge/" + secretId, "AWSCURRENT");
        assertThat(read.exitCode()).as(read.stderr()).isZero();
        String key = read.json().path("value").path("api_key").asString();
        SecretHygiene.remember(key);
        return key;
    }

    /**
     * An emergency rotation killed right after containment: every version is revoked and nothing new was delivered.
     * The next start delivers the new version, rather than leaving the key without one until its next scheduled
     * rotation (found by {@code MixedWorkloadCrashIntegrationTests}).
     */
    @Test
    void anEmergencyRotationKilledAfterContainmentDeliversItsNewVersionAtTheNextStart() {
        Path folder = Path.of("target/crash-tests/contained-" + run);
        String path = "crash-" + run + "/contained/api-key";
        KeybridgeProcess node = KeybridgeProcess.start(folder, "contained-" + run + "-0");
        String keyId;
        String leaked;
        try {
            keyId = issue(node.api(), path, "crash");
            leaked = read(path);
            node.crashAt(Step.CONTAINED);
            Api api = node.api();
            CompletableFuture.runAsync(() -> {
                try {
                    api.post("/api/v1/keys/" + keyId + "/emergency-rotate", ADMIN, Map.of("reason", "leaked"));
                } catch (IllegalStateException killed) {
                    // the connection dies with the process
                }
            });
            assertThat(node.awaitCrashPoint(Duration.ofSeconds(30))).isEqualTo(keyId + " " + Step.CONTAINED);
            node.kill9();
        } finally {
            node.close();
        }

        node = KeybridgeProcess.start(folder, "contained-" + run + "-1");
        try {
            Api api = node.api();
            assertThat(api.verify(VERIFIER, leaked, List.of()).status())
                    .as("still contained after the restart")
                    .isEqualTo(401);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                String held = bao.keyAt(path);
                assertThat(held).isNotNull().isNotEqualTo(leaked);
                assertThat(api.verify(VERIFIER, held, List.of()).status()).isEqualTo(200);
                assertThat(successful(history(api, keyId)))
                        .as("one emergency rotation, delivered")
                        .singleElement()
                        .satisfies(rotation ->
                                assertThat(rotation.path("trigger").asString()).isEqualTo("EMERGENCY"));
            });
            api.post("/api/v1/keys/" + keyId + "/revoke", ADMIN, Map.of("reason", "end of test"));
        } finally {
            node.close();
        }
        for (int i = 0; i < 2; i++) {
            SecretHygiene.assertNoKeyInLog(Path.of("target/crash-tests/contained-" + run + "-" + i + ".log"));
        }
    }

    @Test
    void aRotationThatFellDueWhileKeybridgeWasDownRunsOnceRightAfterStart() throws InterruptedException {
        Path folder = Path.of("target/crash-tests/misfire-" + run);
        String path = "crash-" + run + "/misfire/api-key";
        String keyId;
        String oldKey;
        Instant due;
        try (KeybridgeProcess node = KeybridgeProcess.start(folder, "misfire-" + run + "-0")) {
            keyId = issue(node.api(), path, "misfire"); // rotation due in 10 s
            oldKey = read(path);
            due = Instant.parse(node.api()
                    .get("/api/v1/keys/" + keyId, ADMIN)
                    .json()
                    .path("nextRotationAt")
                    .asString());
        }
        // keybridge is down when the rotation falls due: wait for that instant to pass, not for a fixed time
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> Instant.now().isAfter(due.plusMillis(500)));

        Instant restarted = Instant.now();
        try (KeybridgeProcess node = KeybridgeProcess.start(folder, "misfire-" + run + "-1")) {
            Api api = node.api();
            await().atMost(Duration.ofSeconds(20))
                    .untilAsserted(
                            () -> assertThat(successful(history(api, keyId))).hasSize(1));
            JsonNode rotation = successful(history(api, keyId)).getFirst();
            assertThat(rotation.path("trigger").asString()).isEqualTo("SCHEDULED");
            assertThat(Instant.parse(rotation.path("startedAt").asString())).isAfter(restarted);
            String newKey = read(path);
            assertThat(newKey).isNotEqualTo(oldKey);
            assertThat(api.verify(VERIFIER, newKey, List.of()).status()).isEqualTo(200);

            await().during(Duration.ofSeconds(3))
                    .atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(history(api, keyId))
                            .as("the missed rotation ran once, not once per start or retry")
                            .hasSize(1));
            api.post("/api/v1/keys/" + keyId + "/revoke", ADMIN, Map.of("reason", "end of test"));
        }
        SecretHygiene.assertNoKeyInLog(Path.of("target/crash-tests/misfire-" + run + "-1.log"));
    }

    private void assertRecovered(Api api, Crashed crash, int vaultVersionAtCrash) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<JsonNode> history = history(api, crash.keyId());
            assertThat(history).noneMatch(r -> r.path("state").asString().equals("DELIVERING"));
            assertThat(successful(history)).hasSize(1);
        });
        JsonNode key = api.get("/api/v1/keys/" + crash.keyId(), ADMIN).json();
        String held = read(crash.path());
        assertThat(api.verify(VERIFIER, held, List.of()).status())
                .as("the key the destination holds verifies")
                .isEqualTo(200);
        assertThat(held).startsWith(key.path("prefix").asString());
        assertThat(key.path("destinations").get(0).path("version").asString())
                .isEqualTo(String.valueOf(vaultVersion(crash.path())));
        JsonNode rotation = successful(history(api, crash.keyId())).getFirst();
        assertThat(rotation.path("toVersion").asInt())
                .isEqualTo(key.path("currentVersion").asInt());
        Instant askedAt = Instant.now();
        int oldStatus = api.verify(VERIFIER, crash.oldKey(), List.of()).status();

        switch (crash.step()) {
            case VERSION_RECORDED -> {
                assertThat(vaultVersionAtCrash)
                        .as("nothing was written before the crash")
                        .isEqualTo(1);
                assertThat(key.path("currentVersion").asInt())
                        .as("version 2 never left keybridge and is revoked; version 3 replaced it")
                        .isEqualTo(3);
                assertThat(oldStatus)
                        .as("the old key is valid until the new one is confirmed")
                        .isEqualTo(200);
            }
            case WRITE_PLANNED -> {
                assertThat(vaultVersionAtCrash)
                        .as("the write was planned, not made")
                        .isEqualTo(1);
                assertThat(key.path("currentVersion").asInt())
                        .as("version 2 never reached Vault; version 3 took the Vault version it had planned")
                        .isEqualTo(3);
                assertThat(oldStatus)
                        .as("the old key is valid until the new one is confirmed")
                        .isEqualTo(200);
                // the end of the overlap must not remove version 2's planned Vault version, which holds version 3
            }
            case WRITTEN, CONFIRMED -> {
                assertThat(vaultVersionAtCrash).isEqualTo(2);
                assertThat(key.path("currentVersion").asInt())
                        .as("the version delivered before the crash is confirmed, not replaced by a second one")
                        .isEqualTo(2);
                // the overlap began when the recovery confirmed the version; a slow restart may have used it up
                Instant retireAt = Instant.parse(rotation.path("retireAt").asString());
                if (askedAt.plusSeconds(1).isBefore(retireAt)) {
                    assertThat(oldStatus)
                            .as("the old key is valid during the overlap")
                            .isEqualTo(200);
                }
            }
            case ACTIVATED -> {
                assertThat(key.path("currentVersion").asInt()).isEqualTo(2);
                Instant retireAt = Instant.parse(rotation.path("retireAt").asString());
                if (Instant.now().plusSeconds(1).isBefore(retireAt)) {
                    assertThat(oldStatus)
                            .as("the old key is valid until the overlap ends")
                            .isEqualTo(200);
                }
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertOverlapEnded(api, crash));
            }
            case OLD_VERSIONS_REVOKED -> {
                assertThat(key.path("currentVersion").asInt()).isEqualTo(2);
                assertThat(oldStatus)
                        .as("revoked before the crash, revoked after")
                        .isEqualTo(401);
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertOverlapEnded(api, crash));
            }
            default -> throw new IllegalArgumentException(crash.step().name());
        }
    }

    /** After the overlap: the old key is refused, every replaced version is destroyed at Vault, the rotation done. */
    private void assertOverlapEnded(Api api, Crashed crash) {
        assertThat(api.verify(VERIFIER, crash.oldKey(), List.of()).status()).isEqualTo(401);
        assertThat(successful(history(api, crash.keyId()))
                        .getFirst()
                        .path("state")
                        .asString())
                .isEqualTo("COMPLETED");
        JsonNode metadata = bao.metadata("keybridge/" + crash.path()).json().path("data");
        int current = metadata.path("current_version").asInt();
        for (Map.Entry<String, JsonNode> version : metadata.path("versions").properties()) {
            boolean destroyed = version.getValue().path("destroyed").asBoolean();
            assertThat(destroyed)
                    .as("Vault version %s of %s destroyed", version.getKey(), crash.path())
                    .isEqualTo(!version.getKey().equals(String.valueOf(current)));
        }
        assertThat(api.verify(VERIFIER, read(crash.path()), List.of()).status()).isEqualTo(200);
    }

    /**
     * Read with the data files of the stopped keybridge: the database agrees with what the API showed — one ACTIVE
     * version per key, no rotation left delivering, no key material; once the overlaps have ended, also no version
     * left pending or retiring and every rotation finished.
     */
    private static void assertDatabaseConsistent(Path folder, int keys, boolean overlapsEnded) throws SQLException {
        String url = "jdbc:h2:file:" + folder.toAbsolutePath() + "/keybridge";
        try (Connection connection = DriverManager.getConnection(url, "keybridge", "");
                Statement statement = connection.createStatement()) {
            Map<String, Integer> active = new HashMap<>();
            try (ResultSet rs = statement.executeQuery(
                    "SELECT key_id, COUNT(*) FROM key_versions WHERE state = 'ACTIVE' GROUP BY key_id")) {
                while (rs.next()) {
                    active.put(rs.getString(1), rs.getInt(2));
                }
            }
            assertThat(active).hasSize(keys);
            assertThat(active.values()).as("exactly one ACTIVE version per key").containsOnly(1);
            try (ResultSet rs = statement.executeQuery("SELECT COUNT(*) FROM rotations WHERE state = 'DELIVERING'")) {
                rs.next();
                assertThat(rs.getInt(1)).as("no rotation left delivering").isZero();
            }
            if (overlapsEnded) {
                try (ResultSet rs = statement.executeQuery(
                        "SELECT COUNT(*) FROM key_versions WHERE state IN ('PENDING', 'RETIRING')")) {
                    rs.next();
                    assertThat(rs.getInt(1))
                            .as("no version left pending or retiring")
                            .isZero();
                }
                try (ResultSet rs = statement.executeQuery(
                        "SELECT COUNT(*) FROM rotations WHERE state NOT IN ('COMPLETED', 'FAILED')")) {
                    rs.next();
                    assertThat(rs.getInt(1)).as("no rotation left half done").isZero();
                }
            }
            SecretHygiene.assertNoKeyInH2(statement);
        }
    }

    private static String issue(Api api, String path, String policy) {
        Api.Response created = api.post(
                "/api/v1/keys",
                ADMIN,
                KeyRequests.key(
                        "crash-" + UUID.randomUUID().toString().substring(0, 8),
                        "crash-tests",
                        policy,
                        List.of(KeyRequests.vault(path))));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().path("id").asString();
    }

    /**
     * Starts a rotation that will be held at {@code step}. Rotations are rotated by hand; for the end of the overlap
     * a short overlap makes its job fire soon after.
     */
    private static void rotate(Api api, String keyId, Step step) {
        String path = "/api/v1/keys/" + keyId + "/rotate";
        if (step == Step.OLD_VERSIONS_REVOKED) {
            Api.Response rotated = api.post(path, ADMIN, Map.of("overlap", "PT2S"));
            assertThat(rotated.status()).as(rotated.body()).isEqualTo(202);
            return;
        }
        // the request thread stops at the crash point and the answer never comes
        CompletableFuture.runAsync(() -> {
            try {
                api.post(path, ADMIN, Map.of());
            } catch (IllegalStateException killed) {
                // the connection dies with the process
            }
        });
    }

    private String read(String path) {
        OpenBao.Cli read = bao.bao(bao.consumerToken(path), "kv", "get", "-format=json", "secret/keybridge/" + path);
        assertThat(read.exitCode()).as(read.stderr()).isZero();
        String key = read.json().path("data").path("data").path("api_key").asString();
        SecretHygiene.remember(key);
        return key;
    }

    private int vaultVersion(String path) {
        return bao.metadata("keybridge/" + path)
                .json()
                .path("data")
                .path("current_version")
                .asInt();
    }

    private static List<JsonNode> history(Api api, String keyId) {
        return RotationHistory.of(api, ADMIN, keyId);
    }

    private static List<JsonNode> successful(List<JsonNode> history) {
        return RotationHistory.delivered(history);
    }
}
