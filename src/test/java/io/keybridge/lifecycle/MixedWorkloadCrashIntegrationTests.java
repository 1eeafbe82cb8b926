package io.keybridge.lifecycle;

import static io.keybridge.support.KeybridgeProcess.ADMIN;
import static io.keybridge.support.KeybridgeProcess.VERIFIER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * {@code kill -9} at random moments of a mixed workload, not at named steps: keybridge in a JVM of its own issues,
 * rotates (by hand, on schedule and before expiry), emergency-rotates and revokes keys while a consumer probe keeps
 * reading each key from Vault and verifying it. At a random moment the JVM is killed and a new one started on the
 * same data, and the workload goes on. At the end nothing may be lost or done twice, no consumer may have held a key
 * that did not verify, and no old version may have been revoked before its successor was confirmed.
 *
 * <p>The runs and the seed are chosen with {@code -Dkeybridge.test.random-crash-runs} (3 in CI, 50 with {@code
 * scripts/test --full}) and {@code -Dkeybridge.test.random-crash-seed}; the seed is logged so a failure can be
 * replayed.
 */
@ExtendWith({OpenBaoExtension.class, MotoExtension.class})
class MixedWorkloadCrashIntegrationTests {

    private static final Logger log = LoggerFactory.getLogger(MixedWorkloadCrashIntegrationTests.class);

    private static final int RUNS = Integer.getInteger("keybridge.test.random-crash-runs", 3);
    private static final int MOST_LIVE_KEYS = 8;
    /** Scheduled every 6 s, expiry-driven every ~15 s, and rotated by hand only. */
    private static final List<String> POLICIES = List.of("fast", "restart-safe-expiry", "crash");

    private final OpenBao bao = OpenBaoExtension.server();
    private final Moto moto = Moto.server();
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final long seed = Long.getLong("keybridge.test.random-crash-seed", System.nanoTime());
    private final Random random = new Random(seed);

    /** Keys whose issuance was answered {@code 201}. */
    private final Map<String, Tracked> keys = new ConcurrentHashMap<>();
    /** Names of keys whose issuance was cut by a kill: either issued and whole, or not issued. */
    private final Set<String> cutIssuances = ConcurrentHashMap.newKeySet();
    /** Keys the probe leaves alone: revoked, or emergency-rotated (which leaves a gap by design) and not answered. */
    private final Set<String> notProbed = ConcurrentHashMap.newKeySet();
    /** Keys revoked with a {@code 200}; revocations cut by a kill may or may not have happened. */
    private final Set<String> revoked = ConcurrentHashMap.newKeySet();

    private final Map<String, AtomicInteger> manualAccepted = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> manualCut = new ConcurrentHashMap<>();
    private final List<String> windows = Collections.synchronizedList(new ArrayList<>());
    private final List<String> unexpected = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger probes = new AtomicInteger();
    private final AtomicInteger operations = new AtomicInteger();
    private int issued;

    private record Tracked(String id, String name, String path, boolean aws) {}

    @Test
    void killedAtRandomMomentsNothingIsLostOrDoneTwiceAndEveryConsumerHoldsAValidKey() throws Exception {
        log.info("mixed-workload crash test: {} runs, seed {}", RUNS, seed);
        Path folder = Path.of("target/crash-tests/mixed-" + run);
        int starts = 0;
        KeybridgeProcess node = KeybridgeProcess.start(folder, "mixed-" + run + "-" + starts++);
        try {
            for (int i = 1; i <= RUNS; i++) {
                long killAfter = 1_000 + random.nextInt(4_000);
                workUntilKilled(node, killAfter);
                node = KeybridgeProcess.start(folder, "mixed-" + run + "-" + starts++);
            }
            assertSettled(node.api());
        } finally {
            node.close();
        }
        assertDatabaseConsistent(folder);
        for (int i = 0; i < starts; i++) {
            SecretHygiene.assertNoKeyInLog(Path.of("target/crash-tests/mixed-" + run + "-" + i + ".log"));
        }
        log.info(
                "mixed-workload crash test: {} kills, {} operations, {} keys issued ({} cut), {} probes, "
                        + "{} windows without a valid key",
                RUNS,
                operations.get(),
                keys.size(),
                cutIssuances.size(),
                probes.get(),
                windows.size());
        assertThat(unexpected).as("answers the workload did not expect").isEmpty();
        assertThat(windows).as("a consumer held a key that did not verify").isEmpty();
    }

    /** Runs the workload and the consumer probe until the process is killed, {@code killAfter} ms from now. */
    private void workUntilKilled(KeybridgeProcess node, long killAfter) throws InterruptedException {
        AtomicBoolean alive = new AtomicBoolean(true);
        Thread workload = Thread.ofPlatform().name("workload").start(() -> {
            while (alive.get()) {
                step(node.api(), alive);
            }
        });
        Thread probe = Thread.ofPlatform().name("probe").start(() -> {
            while (alive.get()) {
                probeAll(node.api(), alive);
            }
        });
        Thread.sleep(killAfter);
        alive.set(false);
        node.kill9();
        workload.join();
        probe.join();
    }

    private void step(Api api, AtomicBoolean alive) {
        List<Tracked> live =
                keys.values().stream().filter(k -> !notProbed.contains(k.id())).toList();
        int dice = random.nextInt(100);
        try {
            if (live.size() < 3 || (dice < 30 && live.size() < MOST_LIVE_KEYS)) {
                issue(api);
            } else if (dice < 60) {
                rotate(api, pick(live));
            } else if (dice < 70) {
                emergencyRotate(api, pick(live));
            } else if (dice < 80 && live.size() > 3) {
                revoke(api, pick(live));
            } else {
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!alive.get()) {
            return;
        }
        operations.incrementAndGet();
    }

    private void issue(Api api) {
        String name = "mixed-" + run + "-" + ++issued;
        String path = "mixed-" + run + "/" + issued + "/api-key";
        boolean aws = random.nextInt(4) == 0;
        List<Map<String, String>> destinations =
                aws ? List.of(KeyRequests.vault(path), KeyRequests.aws(path)) : List.of(KeyRequests.vault(path));
        // AWS refuses policies that rotate more often than every 10 minutes: its keys are rotated by hand here
        String policy = aws ? "crash" : POLICIES.get(random.nextInt(POLICIES.size()));
        Api.Response created;
        try {
            created = api.post("/api/v1/keys", ADMIN, KeyRequests.key(name, "mixed-" + run, policy, destinations));
        } catch (IllegalStateException killed) {
            cutIssuances.add(name);
            return;
        }
        if (created.status() != 201) {
            unexpected.add("issue " + name + ": " + created.status() + " " + created.body());
            return;
        }
        String id = created.json().path("id").asString();
        keys.put(id, new Tracked(id, name, path, aws));
    }

    private void rotate(Api api, Tracked key) {
        Api.Response rotated;
        try {
            rotated = api.post("/api/v1/keys/" + key.id() + "/rotate", ADMIN, Map.of("overlap", "PT2S"));
        } catch (IllegalStateException killed) {
            manualCut.computeIfAbsent(key.id(), id -> new AtomicInteger()).incrementAndGet();
            return;
        }
        if (rotated.status() == 202) {
            manualAccepted.computeIfAbsent(key.id(), id -> new AtomicInteger()).incrementAndGet();
        } else if (rotated.status() != 409) { // 409: a scheduled rotation of this key is delivering
            unexpected.add("rotate " + key.name() + ": " + rotated.status() + " " + rotated.body());
        }
    }

    private void emergencyRotate(Api api, Tracked key) {
        notProbed.add(key.id()); // the old key stops verifying before the new one is delivered: by design
        Api.Response rotated;
        try {
            rotated = api.post(
                    "/api/v1/keys/" + key.id() + "/emergency-rotate", ADMIN, Map.of("reason", "mixed workload"));
        } catch (IllegalStateException killed) {
            return; // probed no more; the end checks it
        }
        if (rotated.status() == 200) {
            notProbed.remove(key.id());
        } else if (rotated.status() != 409) {
            unexpected.add("emergency-rotate " + key.name() + ": " + rotated.status() + " " + rotated.body());
        }
    }

    private void revoke(Api api, Tracked key) {
        notProbed.add(key.id());
        Api.Response answer;
        try {
            answer = api.post("/api/v1/keys/" + key.id() + "/revoke", ADMIN, Map.of("reason", "mixed workload"));
        } catch (IllegalStateException killed) {
            return;
        }
        if (answer.status() == 200) {
            revoked.add(key.id());
        } else {
            unexpected.add("revoke " + key.name() + ": " + answer.status() + " " + answer.body());
        }
    }

    /**
     * The consumer's view: whatever Vault holds for a key must verify. A refusal counts only if Vault still holds
     * the refused key afterwards (it may have just been replaced) and the key was not revoked or emergency-rotated
     * meanwhile.
     */
    private void probeAll(Api api, AtomicBoolean alive) {
        for (Tracked key : List.copyOf(keys.values())) {
            if (!alive.get()) {
                return;
            }
            if (notProbed.contains(key.id())) {
                continue;
            }
            String held = vaultHolds(key.path());
            if (held == null) {
                continue;
            }
            int status;
            try {
                status = api.verify(VERIFIER, held, List.of()).status();
            } catch (IllegalStateException killed) {
                return;
            }
            if (!alive.get()) {
                return; // killed while asking: a refused connection, not a refused key
            }
            probes.incrementAndGet();
            if (status != 200 && !notProbed.contains(key.id()) && held.equals(vaultHolds(key.path()))) {
                windows.add(key.name() + ": the key Vault holds got " + status);
            }
        }
    }

    private String vaultHolds(String path) {
        return bao.keyAt(path);
    }

    private Tracked pick(List<Tracked> live) {
        return live.get(random.nextInt(live.size()));
    }

    /**
     * After the last start: each issued key is whole (its destinations hold one key that verifies) or revoked, each
     * cut issuance left a whole key or none, and each rotation asked for by hand happened once.
     */
    private void assertSettled(Api api) {
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> {
                    for (Tracked key : keys.values()) {
                        JsonNode details =
                                api.get("/api/v1/keys/" + key.id(), ADMIN).json();
                        String status = details.path("status").asString();
                        if (revoked.contains(key.id())) {
                            assertThat(status).as(key.name()).isEqualTo("REVOKED");
                        } else if (!status.equals("REVOKED")) { // a revocation cut by a kill may have happened
                            assertThat(status).as(key.name()).isEqualTo("ACTIVE");
                            assertWhole(api, key);
                        }
                    }
                });
        JsonNode listed = api.get("/api/v1/keys?q=mixed-" + run + "&size=500", ADMIN)
                .json()
                .path("items");
        for (JsonNode key : listed) {
            String name = key.path("name").asString();
            if (cutIssuances.contains(name)) {
                assertThat(key.path("status").asString())
                        .as("a cut issuance is finished or revoked, never half done")
                        .isIn("ACTIVE", "REVOKED");
            } else {
                assertThat(keys)
                        .as("a key nobody issued: " + name)
                        .containsKey(key.path("id").asString());
            }
        }
        for (Tracked key : keys.values()) {
            long manual = RotationHistory.delivered(RotationHistory.of(api, ADMIN, key.id())).stream()
                    .filter(r -> r.path("trigger").asString().equals("MANUAL"))
                    .count();
            int accepted = count(manualAccepted, key.id());
            assertThat(manual)
                    .as(
                            "%s: rotations by hand, %d accepted and %d cut by a kill",
                            key.name(), accepted, count(manualCut, key.id()))
                    .isBetween((long) accepted, (long) accepted + count(manualCut, key.id()));
        }
    }

    /** Every destination holds a key that verifies. Retried by the caller: a scheduled rotation may be landing. */
    private void assertWhole(Api api, Tracked key) {
        String held = vaultHolds(key.path());
        assertThat(held).as(key.name() + " at Vault").isNotNull();
        assertThat(api.verify(VERIFIER, held, List.of()).status())
                .as(key.name() + ": the key Vault holds")
                .isEqualTo(200);
        if (key.aws()) {
            OpenBao.Cli read = moto.read("keybridge/" + key.path(), "AWSCURRENT");
            assertThat(read.exitCode()).as(read.stderr()).isZero();
            String current = read.json().path("value").path("api_key").asString();
            SecretHygiene.remember(current);
            assertThat(api.verify(VERIFIER, current, List.of()).status())
                    .as(key.name() + ": the key AWS holds")
                    .isEqualTo(200);
        }
    }

    /**
     * With the data files of the stopped keybridge: one {@code ACTIVE} version per live key, no old version revoked
     * before its successor was confirmed, no Vault version keybridge did not record, and no key material.
     */
    private void assertDatabaseConsistent(Path folder) throws SQLException {
        String url = "jdbc:h2:file:" + folder.toAbsolutePath() + "/keybridge";
        try (Connection connection = DriverManager.getConnection(url, "keybridge", "");
                Statement statement = connection.createStatement()) {
            assertThat(query(
                            statement,
                            "SELECT k.name || ': ' || COUNT(*) FROM api_keys k JOIN key_versions v ON v.key_id = k.id"
                                    + " WHERE v.state = 'ACTIVE' GROUP BY k.name HAVING COUNT(*) > 1"))
                    .as("keys with more than one ACTIVE version")
                    .isEmpty();
            assertThat(query(
                            statement,
                            "SELECT k.name FROM api_keys k WHERE k.status = 'ACTIVE' AND k.name LIKE 'mixed-%' AND NOT"
                                    + " EXISTS (SELECT 1 FROM key_versions v WHERE v.key_id = k.id"
                                    + " AND v.state = 'ACTIVE')"))
                    .as("live keys without an ACTIVE version")
                    .isEmpty();
            assertThat(query(
                            statement,
                            "SELECT CAST(id AS VARCHAR) FROM rotations WHERE trigger_type <> 'EMERGENCY'"
                                    + " AND old_revoked_at IS NOT NULL"
                                    + " AND (confirmed_at IS NULL OR old_revoked_at < confirmed_at)"))
                    .as("rotations that revoked the old version before the new one was confirmed")
                    .isEmpty();
            assertThat(query(
                            statement,
                            "SELECT d.path || ' v' || l.remote_version FROM deliveries l"
                                    + " JOIN key_destinations d ON d.id = l.destination_id"
                                    + " WHERE l.state IN ('WRITTEN', 'CONFIRMED', 'REMOVED', 'REMOVAL_FAILED')"
                                    + " GROUP BY d.id, d.path, l.remote_version HAVING COUNT(*) > 1"))
                    .as("destination versions two keybridge versions claim")
                    .isEmpty();
            List<String> unrecorded = new ArrayList<>();
            for (Tracked key : keys.values()) {
                List<String> recorded = query(
                        statement,
                        "SELECT DISTINCT l.remote_version FROM deliveries l"
                                + " JOIN key_destinations d ON d.id = l.destination_id"
                                + " WHERE d.key_id = '" + key.id() + "' AND d.type = 'vault'"
                                + " AND l.remote_version IS NOT NULL AND l.state <> 'FAILED'");
                int atVault = bao.metadata("keybridge/" + key.path())
                        .json()
                        .path("data")
                        .path("current_version")
                        .asInt();
                if (atVault > recorded.size()) {
                    unrecorded.add(key.name() + ": Vault has " + atVault + " versions, keybridge recorded " + recorded);
                }
            }
            assertThat(unrecorded)
                    .as("Vault versions keybridge has no record of")
                    .isEmpty();
            SecretHygiene.assertNoKeyInH2(statement);
        }
    }

    private static List<String> query(Statement statement, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (ResultSet rs = statement.executeQuery(sql)) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        return rows;
    }

    private static int count(Map<String, AtomicInteger> counts, String keyId) {
        AtomicInteger count = counts.get(keyId);
        return count == null ? 0 : count.get();
    }
}
