package io.keybridge.rotation;

import static io.keybridge.support.KeybridgeProcess.ADMIN;
import static io.keybridge.support.KeybridgeProcess.VERIFIER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.keybridge.support.Api;
import io.keybridge.support.KeyRequests;
import io.keybridge.support.KeybridgeProcess;
import io.keybridge.support.OpenBao;
import io.keybridge.support.OpenBaoExtension;
import io.keybridge.support.RotationHistory;
import io.keybridge.support.SecretHygiene;
import io.keybridge.support.clock.WallClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/**
 * The wall clock steps forward and backward (as when NTP corrects a server) around scheduled and expiry-driven
 * rotations, in a keybridge JVM whose clock {@link WallClock} moves: keybridge's {@code Clock}, Quartz and the database
 * all see the jump. A step forward runs what fell due once, not once per missed period; a step back delays rotations
 * and overlap ends, never runs one twice and never revokes early. Meanwhile a consumer probe reads each key from Vault
 * and verifies it.
 */
@ExtendWith(OpenBaoExtension.class)
class ClockJumpIntegrationTests {

    private final OpenBao bao = OpenBaoExtension.server();
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    /** Refusals of the key Vault held, per key name, while the probe ran. */
    private final List<String> refusals = Collections.synchronizedList(new ArrayList<>());

    /**
     * +20 s about 30 s after launch, back to real time about 70 s after. The step forward crosses the expiring key's
     * rotation (due at 15 s of age, issued 6 to 11 s before the step) but not its expiry (40 s); the step back comes
     * during the 6-second key's overlaps and before its next rotations.
     */
    @Test
    void aStepForwardRunsWhatFellDueOnceAndAStepBackDelaysWithoutRunningTwiceOrRevokingEarly() throws Exception {
        String name = "clock-steps-" + run;
        long launched = System.nanoTime();
        try (KeybridgeProcess node = KeybridgeProcess.start(
                Path.of("target/crash-tests/" + name),
                name,
                List.of(),
                WallClock.stepAndBack(Duration.ofSeconds(30), Duration.ofSeconds(70), Duration.ofSeconds(20))
                        .environment())) {
            Api api = node.api();
            Key scheduled = issue(api, "fast"); // every 6 s, overlap 2 s
            waitUntil(launched, 24);
            Key expiring = issue(api, "restart-safe-expiry"); // lives 40 s, replaced 25 s before it expires
            AtomicBoolean probing = new AtomicBoolean(true);
            Thread probe = probe(api, List.of(scheduled, expiring), probing);

            int scheduledBefore = count(api, scheduled, "SCHEDULED");
            assertThat(count(api, expiring, "EXPIRY")).isZero();
            long stepped = awaitClockOffset(api, Duration.ofSeconds(20), Duration.ofSeconds(20));
            await().atMost(Duration.ofSeconds(10)).until(() -> count(api, expiring, "EXPIRY") == 1);
            long expiryMillis = (System.nanoTime() - stepped) / 1_000_000;
            sleepUntil(stepped, Duration.ofSeconds(5));
            int missedRuns = count(api, scheduled, "SCHEDULED") - scheduledBefore;
            // How many ran in this window depends on the machine's speed (one may have been on its way at the step,
            // and the one that fell due plans the next 6 s after it is confirmed); what must hold is that what fell due
            // ran, and that 20 s of missed 6-second rotations did not run as a burst of three.
            assertThat(missedRuns).as("what fell due during the step ran").isPositive();
            assertThat(closestStarts(api, scheduled))
                    .as("missed rotations do not run as a burst")
                    .isGreaterThan(Duration.ofSeconds(3));
            assertEachWaitedForItsPeriod(api, scheduled, Duration.ofSeconds(6));

            long steppedBack = awaitClockOffset(api, Duration.ZERO, Duration.ofSeconds(50));
            int scheduledAtStepBack = count(api, scheduled, "SCHEDULED");
            sleepUntil(steppedBack, Duration.ofSeconds(12));
            int duringWait = count(api, scheduled, "SCHEDULED") - scheduledAtStepBack;
            // How many ran in these 12 s depends on whether one was on its way at the step: its confirmation, made
            // after the step, plans the next one 6 s later. What must hold whatever was in flight: on keybridge's own
            // clock, no rotation starts before its period has passed since the one before it was confirmed.
            assertEachWaitedForItsPeriod(api, scheduled, Duration.ofSeconds(6));
            await().atMost(Duration.ofSeconds(40))
                    .until(() -> count(api, scheduled, "SCHEDULED") > scheduledAtStepBack + 1);
            probing.set(false);
            probe.join();
            System.out.printf(
                    "clock +20 s: the expiry rotation that fell due ran %d ms after the step, missed 6-second"
                            + " rotations ran %d time(s); clock -20 s: %d rotation(s) in the next 12 s; %d refusals of"
                            + " the key Vault held%n",
                    expiryMillis, missedRuns, duringWait, refusals.size());
            assertThat(refusals).as("the consumer's key verified throughout").isEmpty();
            assertConsistent(api, scheduled);
            assertConsistent(api, expiring);
        }
        SecretHygiene.assertNoKeyInLog(Path.of("target/crash-tests/" + name + ".log"));
    }

    /**
     * +1 h about 20 s after launch (the expiring key is some 10 s old, its rotation due at 15 s): past every overlap end, and past the expiry of the expiring key's version. What
     * fell due runs once, and the expired key is replaced. Run by {@code scripts/test --full}: it waits up to Quartz's
     * misfire threshold.
     */
    @Test
    @EnabledIfSystemProperty(named = "keybridge.test.full", matches = "true")
    void aStepOfAnHourRunsEachMissedRotationOnceAndReplacesAnExpiredKeyAtOnce() throws Exception {
        String name = "clock-hour-" + run;
        try (KeybridgeProcess node = KeybridgeProcess.start(
                Path.of("target/crash-tests/" + name),
                name,
                List.of(),
                WallClock.stepAt(Duration.ofSeconds(20), Duration.ofHours(1)).environment())) {
            Api api = node.api();
            Key scheduled = issue(api, "fast");
            Key expiring = issue(api, "restart-safe-expiry");
            int scheduledBefore = count(api, scheduled, "SCHEDULED");
            int expiryBefore = count(api, expiring, "EXPIRY");
            assertThat(expiryBefore).isZero();
            long stepped = awaitClockOffset(api, Duration.ofHours(1), Duration.ofSeconds(30));
            String expired = read(expiring.path());
            assertThat(api.verify(VERIFIER, expired, List.of()).status())
                    .as("the step took the version past its expiry")
                    .isEqualTo(401);
            // what fell due more than Quartz's misfireThreshold (60 s) ago is fired by its misfire handler
            await().atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> api.verify(VERIFIER, read(expiring.path()), List.of())
                                    .status()
                            == 200);
            long healedMillis = (System.nanoTime() - stepped) / 1_000_000;
            assertThat(read(expiring.path()))
                    .as("a new version replaced the expired one")
                    .isNotEqualTo(expired);
            // and only once: no second expiry rotation follows while the misfired triggers drain
            await().during(Duration.ofSeconds(8))
                    .atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> count(api, expiring, "EXPIRY") - expiryBefore <= 1);
            int expiryRuns = count(api, expiring, "EXPIRY") - expiryBefore;
            Duration closest = closestStarts(api, scheduled);
            System.out.printf(
                    "clock +1 h: the expired key replaced %d ms after the step, by %d expiry rotation(s); %d scheduled"
                            + " rotations since the step, never closer than %d ms%n",
                    healedMillis, expiryRuns, count(api, scheduled, "SCHEDULED") - scheduledBefore, closest.toMillis());
            assertThat(expiryRuns)
                    .as("an hour of missed expiry rotations runs once")
                    .isEqualTo(1);
            assertThat(closest)
                    .as("an hour of missed 6-second rotations does not run as a burst")
                    .isGreaterThan(Duration.ofSeconds(3));
            assertConsistent(api, scheduled);
            assertConsistent(api, expiring);
        }
        SecretHygiene.assertNoKeyInLog(Path.of("target/crash-tests/" + name + ".log"));
    }

    /**
     * Waits until keybridge's own clock (its {@code Date} header) is {@code offset} ahead of real time; returns when
     * (on {@code System.nanoTime}).
     */
    private static long awaitClockOffset(Api api, Duration offset, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String date =
                    api.get("/api/v1/keys?size=1", ADMIN).headers().get("date").getFirst();
            Instant theirs = DateTimeFormatter.RFC_1123_DATE_TIME.parse(date, Instant::from);
            Instant expected = Instant.now().plus(offset);
            if (Math.abs(Duration.between(expected, theirs).toSeconds()) <= 2) {
                return System.nanoTime();
            }
            sleep(200);
        }
        throw new AssertionError("keybridge's clock did not come to " + offset + " from real time");
    }

    private static void sleepUntil(long start, Duration after) {
        sleep(Math.max(0, (start + after.toNanos() - System.nanoTime()) / 1_000_000));
    }

    private static void waitUntil(long launched, int seconds) {
        long left = launched + Duration.ofSeconds(seconds).toNanos() - System.nanoTime();
        assertThat(left)
                .as("the test kept to its timeline (%d s after launch)", seconds)
                .isPositive();
        sleep(left / 1_000_000);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private record Key(String id, String name, String path) {}

    private Key issue(Api api, String policy) {
        String name = policy + "-" + UUID.randomUUID().toString().substring(0, 8);
        String path = "clock-" + run + "/" + name + "/api-key";
        Api.Response created = api.post(
                "/api/v1/keys", ADMIN, KeyRequests.key(name, "clock-" + run, policy, List.of(KeyRequests.vault(path))));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return new Key(created.json().path("id").asString(), name, path);
    }

    /**
     * Verifies what Vault holds for each key every 100 ms. A refusal counts only if Vault still holds the refused key
     * afterwards: it may have been replaced between the read and the verification.
     */
    private Thread probe(Api api, List<Key> keys, AtomicBoolean probing) {
        return Thread.ofPlatform().name("probe").start(() -> {
            while (probing.get()) {
                for (Key key : keys) {
                    String held = read(key.path());
                    int status = api.verify(VERIFIER, held, List.of()).status();
                    if (status != 200 && held.equals(read(key.path()))) {
                        refusals.add(key.name() + ": " + status);
                    }
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    /** Vault and keybridge agree on the version, each rotation made its own version, and none is left delivering. */
    private void assertConsistent(Api api, Key key) {
        List<JsonNode> history = history(api, key);
        assertThat(history.stream()
                        .filter(r -> !r.path("state").asString().equals("FAILED"))
                        .map(r -> r.path("toVersion").asInt())
                        .distinct()
                        .count())
                .as("one version per rotation")
                .isEqualTo(history.stream()
                        .filter(r -> !r.path("state").asString().equals("FAILED"))
                        .count());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode details = api.get("/api/v1/keys/" + key.id(), ADMIN).json();
            int atVault = bao.metadata("keybridge/" + key.path())
                    .json()
                    .path("data")
                    .path("current_version")
                    .asInt();
            assertThat(details.path("destinations").get(0).path("version").asInt())
                    .as("Vault and keybridge agree on the version")
                    .isEqualTo(atVault);
        });
    }

    private String read(String path) {
        String key = bao.keyAt(path);
        assertThat(key).as("the key at " + path).isNotNull();
        return key;
    }

    private static List<JsonNode> history(Api api, Key key) {
        return RotationHistory.of(api, ADMIN, key.id());
    }

    /** The shortest time between the starts of two successive scheduled rotations of the key. */
    private static Duration closestStarts(Api api, Key key) {
        List<Instant> starts = history(api, key).stream()
                .filter(r -> r.path("trigger").asString().equals("SCHEDULED"))
                .map(r -> Instant.parse(r.path("startedAt").asString()))
                .sorted()
                .toList();
        Duration closest = Duration.ofDays(1);
        for (int i = 1; i < starts.size(); i++) {
            Duration gap = Duration.between(starts.get(i - 1), starts.get(i));
            closest = gap.compareTo(closest) < 0 ? gap : closest;
        }
        return closest;
    }

    /**
     * Each scheduled rotation started, on keybridge's clock, no earlier than {@code period} after the delivered rotation
     * before it was confirmed (less the second of slack the scheduler allows): a step back did not make one run early.
     */
    private static void assertEachWaitedForItsPeriod(Api api, Key key, Duration period) {
        // In the order they happened, which is the order of the versions they made: after a step back, keybridge's
        // clock shows the same instants twice, so sorting by startedAt would pair rotations that did not follow
        // each other.
        List<JsonNode> delivered = RotationHistory.delivered(history(api, key)).stream()
                .sorted(java.util.Comparator.comparingInt(
                        r -> r.path("toVersion").asInt()))
                .toList();
        for (int i = 1; i < delivered.size(); i++) {
            JsonNode before = delivered.get(i - 1);
            JsonNode rotation = delivered.get(i);
            if (!rotation.path("trigger").asString().equals("SCHEDULED")
                    || before.path("confirmedAt").isNull()) {
                continue;
            }
            Instant due = Instant.parse(before.path("confirmedAt").asString())
                    .plus(period)
                    .minusSeconds(1);
            assertThat(Instant.parse(rotation.path("startedAt").asString()))
                    .as("rotation %s waited for its period after %s", rotation.path("id"), before.path("id"))
                    .isAfterOrEqualTo(due);
        }
    }

    /** Rotations of the trigger that delivered their version. */
    private static int count(Api api, Key key, String trigger) {
        return (int) history(api, key).stream()
                .filter(r -> r.path("trigger").asString().equals(trigger))
                .filter(RotationHistory::delivered)
                .count();
    }
}
