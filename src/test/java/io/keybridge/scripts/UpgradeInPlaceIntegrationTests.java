package io.keybridge.scripts;

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
import io.keybridge.support.Postgres;
import io.keybridge.support.PostgresExtension;
import io.keybridge.support.SecretHygiene;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * An upgrade in place, as production does it: the previous release ({@code v0.2.0}, built from its commit) writes a
 * database with keys in every state — active in Vault and in AWS, in an overlap, in a drain-gated overlap, due for a
 * scheduled rotation, suspended, revoked —, stops, and this build starts on the same database, Vault and AWS. Every
 * key verifies as it did, every trigger left pending (the overlap's end, the drain check, the scheduled rotation)
 * fires and completes, and the audit chain the old release wrote still verifies. Quartz keeps each job's class name
 * in its tables, so this is also what catches a job class that was moved or renamed.
 */
@ExtendWith({OpenBaoExtension.class, MotoExtension.class, PostgresExtension.class})
class UpgradeInPlaceIntegrationTests {

    private static final String PREVIOUS = "v0.2.0";

    /**
     * The commit {@link #PREVIOUS} was released from. The test builds from the commit, not the tag: a clone of
     * {@code main} (CI's) carries the history but not necessarily the tags.
     */
    private static final String PREVIOUS_COMMIT = "53ca123bc1d4cf05edf1f7adcff5ed61a1a6c76e";

    /**
     * The keys whose answer no pending trigger changes: they verify exactly as they did. The others (in an overlap,
     * drain-gated, scheduled) are expected to change, and the test waits for their triggers instead.
     */
    private static final java.util.Set<String> STABLE = java.util.Set.of("vault", "aws", "suspended", "revoked");

    private static Path previousJar;

    private final OpenBao bao = OpenBaoExtension.server();
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    /**
     * The previous release's boot jar, built from its commit (a copy of its tree, outside the checkout's git) once per
     * machine: a commit's jar never changes, so it is kept in the user's cache folder beside Maven's, keyed by the full
     * commit id, and a clean checkout does not spend a minute rebuilding it.
     */
    @BeforeAll
    static void buildThePreviousRelease() throws Exception {
        Path cached = cacheFolder().resolve("keybridge/releases/" + PREVIOUS_COMMIT + "/keybridge.jar");
        if (!Files.exists(cached)) {
            Path built = build();
            Files.createDirectories(cached.getParent());
            Path partial = cached.resolveSibling("keybridge.jar." + UUID.randomUUID() + ".partial");
            Files.copy(built, partial);
            Files.move(partial, cached, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        previousJar = cached;
    }

    private static Path cacheFolder() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        return xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
    }

    private static Path build() throws Exception {
        Path tree = Path.of("target/upgrade/" + PREVIOUS).toAbsolutePath();
        Path jar = tree.resolve("target/keybridge.jar");
        if (!Files.exists(jar)) {
            Files.createDirectories(tree);
            run(
                    Path.of("."),
                    List.of("bash", "-c", "git archive " + PREVIOUS_COMMIT + " | tar -x -C \"$0\"", tree.toString()));
            run(
                    tree,
                    List.of(
                            "./mvnw",
                            "-B",
                            "-ntp",
                            "-q",
                            "package",
                            "-DskipTests",
                            "-Djacoco.skip=true",
                            "-Dspotless.check.skip=true"));
        }
        assertThat(jar).as("the jar of " + PREVIOUS).exists();
        return jar;
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void keysInEveryStateCarryOnUnderTheNewRelease(String database) throws Exception {
        Path folder = Path.of("target/upgrade/" + database + "-" + run).toAbsolutePath();
        List<String> arguments = new ArrayList<>();
        if (database.equals("postgres")) {
            arguments.add("--spring.profiles.active=postgres");
            arguments.add("--spring.datasource.url=" + Postgres.server().database("upgrade_" + run));
            arguments.add("--spring.datasource.username=keybridge");
        }
        Map<String, Key> keys = new LinkedHashMap<>();
        Map<String, Integer> verifiedBefore = new LinkedHashMap<>();
        try (KeybridgeProcess old =
                KeybridgeProcess.startJar(previousJar, folder, "upgrade-old-" + database + "-" + run, arguments)) {
            Api api = old.api();
            keys.put("vault", issue(api, "vault", "default", vault("vault")));
            keys.put("aws", issue(api, "aws", "default", KeyRequests.aws("upgrade-" + run + "/aws")));
            keys.put("suspended", issue(api, "suspended", "default", vault("suspended")));
            assertThat(api.post(
                                    "/api/v1/keys/" + keys.get("suspended").id() + "/suspend",
                                    ADMIN,
                                    Map.of("reason", "upgrade test"))
                            .status())
                    .isEqualTo(200);
            keys.put("revoked", issue(api, "revoked", "default", vault("revoked")));
            assertThat(api.post(
                                    "/api/v1/keys/" + keys.get("revoked").id() + "/revoke",
                                    ADMIN,
                                    Map.of("reason", "upgrade test"))
                            .status())
                    .isEqualTo(200);
            // in its overlap: the overlap's end (15 s) is a trigger the new release must fire
            keys.put("overlap", rotated(api, issue(api, "overlap", "crash", vault("overlap"))));
            // drain-gated: the drain check is a trigger too
            keys.put("drain", rotated(api, issue(api, "drain", "drain", vault("drain"))));
            // due every 10 s: the next scheduled rotation falls due across the upgrade
            keys.put("scheduled", issue(api, "scheduled", "misfire", vault("scheduled")));
            verifiedBefore.putAll(verifications(api, keys));
        }
        java.time.Instant upgradedAt = java.time.Instant.now();
        try (KeybridgeProcess upgraded =
                KeybridgeProcess.start(folder, "upgrade-new-" + database + "-" + run, arguments)) {
            Api api = upgraded.api();
            assertThat(verifications(api, keys))
                    .as("every key verifies as it did under " + PREVIOUS)
                    .isEqualTo(verifiedBefore);
            assertThat(verifiedBefore)
                    .containsEntry("vault:" + keys.get("vault").current().substring(0, 12), 200)
                    .containsEntry("aws:" + keys.get("aws").current().substring(0, 12), 200)
                    .containsEntry("revoked:" + keys.get("revoked").current().substring(0, 12), 401);

            // the triggers the old release left: each fires under the new one and its rotation completes
            Key overlap = keys.get("overlap");
            Key drain = keys.get("drain");
            await("the overlap's end and the drain check fire")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() -> {
                        // the drained key's consumer has switched: it presents the new version only
                        assertThat(api.verify(VERIFIER, drain.current(), List.of())
                                        .status())
                                .isEqualTo(200);
                        assertThat(api.verify(VERIFIER, overlap.previous(), List.of())
                                        .status())
                                .isEqualTo(401);
                        assertThat(api.verify(VERIFIER, drain.previous(), List.of())
                                        .status())
                                .isEqualTo(401);
                        assertThat(latestRotationState(api, overlap)).isEqualTo("COMPLETED");
                        assertThat(latestRotationState(api, drain)).isEqualTo("COMPLETED");
                    });
            assertThat(api.verify(VERIFIER, overlap.current(), List.of()).status())
                    .isEqualTo(200);
            await("a scheduled rotation fires under the new release and completes")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> java.util.stream.StreamSupport.stream(
                                    api.get(
                                                    "/api/v1/keys/"
                                                            + keys.get("scheduled")
                                                                    .id() + "/rotations",
                                                    ADMIN)
                                            .json()
                                            .spliterator(),
                                    false)
                            .anyMatch(rotation -> "SCHEDULED"
                                            .equals(rotation.path("trigger").asString())
                                    && "COMPLETED".equals(rotation.path("state").asString())
                                    && java.time.Instant.parse(
                                                    rotation.path("startedAt").asString())
                                            .isAfter(upgradedAt)));
            SecretHygiene.remember(bao.keyAt(keys.get("scheduled").path()));

            JsonNode chain = api.get("/api/v1/audit/verify", ADMIN).json();
            assertThat(chain.path("intact").asBoolean())
                    .as("the audit chain across both releases: %s", chain)
                    .isTrue();
        }
        for (String release : List.of("old", "new")) {
            SecretHygiene.assertNoKeyInLog(
                    Path.of("target/crash-tests/upgrade-" + release + "-" + database + "-" + run + ".log"));
        }
    }

    /** What {@code /verify} answers for each version of the stable keys, by key and version prefix. */
    private static Map<String, Integer> verifications(Api api, Map<String, Key> keys) {
        Map<String, Integer> answers = new LinkedHashMap<>();
        keys.forEach((name, key) -> {
            if (STABLE.contains(name)) {
                for (String material : key.materials()) {
                    answers.put(
                            name + ":" + material.substring(0, 12),
                            api.verify(VERIFIER, material, List.of()).status());
                }
            }
        });
        return answers;
    }

    /** A key as its consumer holds it: the material at its destination now, and before its rotation, if any. */
    private record Key(String id, String path, String current, String previous) {

        List<String> materials() {
            return previous == null ? List.of(current) : List.of(current, previous);
        }
    }

    private Map<String, String> vault(String name) {
        return KeyRequests.vault("upgrade-" + run + "/" + name);
    }

    private Key issue(Api api, String name, String policy, Map<String, String> destination) {
        Api.Response created = api.post(
                "/api/v1/keys",
                ADMIN,
                KeyRequests.key("upgrade-" + name + "-" + run, "platform", policy, List.of(destination)));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = created.json().path("id").asString();
        String path = destination.containsKey("path") ? destination.get("path") : destination.get("secretId");
        return new Key(id, path, read(destination), null);
    }

    private Key rotated(Api api, Key key) {
        Api.Response rotation = api.post("/api/v1/keys/" + key.id() + "/rotate", ADMIN, Map.of());
        assertThat(rotation.status()).as(rotation.body()).isEqualTo(202);
        String current = bao.keyAt(key.path());
        SecretHygiene.remember(current);
        return new Key(key.id(), key.path(), current, key.current());
    }

    private String read(Map<String, String> destination) {
        String key;
        if ("aws".equals(destination.get("type"))) {
            OpenBao.Cli read = Moto.server().read("keybridge/" + destination.get("secretId"), "AWSCURRENT");
            assertThat(read.exitCode()).as(read.stderr()).isZero();
            key = tools.jackson.databind.json.JsonMapper.builder()
                    .build()
                    .readTree(read.stdout())
                    .path("value")
                    .path("api_key")
                    .asString();
        } else {
            key = bao.keyAt(destination.get("path"));
        }
        SecretHygiene.remember(key);
        return key;
    }

    private static String latestRotationState(Api api, Key key) {
        return api.get("/api/v1/keys/" + key.id() + "/rotations", ADMIN)
                .json()
                .get(0)
                .path("state")
                .asString();
    }

    private static void run(Path directory, List<String> command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(Path.of("target/upgrade-build.log").toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process process = builder.start();
        if (!process.waitFor(15, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed; see target/upgrade-build.log: "
                    + Files.readString(Path.of("target/upgrade-build.log")));
        }
    }
}
