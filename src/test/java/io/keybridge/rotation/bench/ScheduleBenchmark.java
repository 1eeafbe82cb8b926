package io.keybridge.rotation.bench;

import io.keybridge.KeybridgeApplication;
import io.keybridge.keys.ApiKey;
import io.keybridge.keys.ApiKeys;
import io.keybridge.keys.Environment;
import io.keybridge.keys.KeyDestination;
import io.keybridge.keys.KeyFormat;
import io.keybridge.keys.KeyMaterial;
import io.keybridge.keys.KeyVersion;
import io.keybridge.keys.KeyVersions;
import io.keybridge.keys.VersionState;
import io.keybridge.verification.VerificationIndex;
import java.lang.management.ManagementFactory;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.quartz.Scheduler;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Scheduled rotation at scale, in keybridge itself against a real OpenBao (run by {@code scripts/bench schedule}):
 *
 * <ol>
 *   <li>{@code KEYS} keys (default 100,000), each with its next rotation planned: heap used after a
 *       full GC, with every key in the verification index as after a restart;
 *   <li>start lag (when each rotation was recorded as started, minus when it was due) of {@code SPREAD} rotations (default 2,000) falling due spread
 *       over {@code SPREAD_SECONDS} (default 120 s) among them;
 *   <li>{@code BURST} rotations (default 10,000) falling due at the same instant: time until every one is confirmed.
 * </ol>
 *
 * Keys are seeded through the repositories (issuing 100,000 keys through the API would take longer than the run);
 * their first version was never delivered, so each rotation creates its Vault path, which costs what a rotation
 * costs. Configuration comes from the environment as for keybridge ({@code VAULT_ADDR}, {@code VAULT_TOKEN},
 * {@code KEYBRIDGE_DATA_DIR}, {@code KEYBRIDGE_ROTATION_POLICIES}, {@code KEYBRIDGE_PORT}).
 */
public final class ScheduleBenchmark {

    private static final ConcurrentLinkedQueue<Long> LAGS = new ConcurrentLinkedQueue<>();

    private ScheduleBenchmark() {}

    public static void main(String[] args) throws Exception {
        int keyCount = Integer.parseInt(System.getenv().getOrDefault("KEYS", "100000"));
        int spread = Integer.parseInt(System.getenv().getOrDefault("SPREAD", "2000"));
        int spreadSeconds = Integer.parseInt(System.getenv().getOrDefault("SPREAD_SECONDS", "120"));
        int burst = Integer.parseInt(System.getenv().getOrDefault("BURST", "10000"));
        ConfigurableApplicationContext context = new SpringApplicationBuilder(KeybridgeApplication.class).run(args);
        try {
            run(context, keyCount, spread, spreadSeconds, burst);
        } finally {
            context.close();
        }
    }

    private static void run(
            ConfigurableApplicationContext context, int keyCount, int spread, int spreadSeconds, int burst)
            throws Exception {
        ApiKeys keys = context.getBean(ApiKeys.class);
        KeyVersions versions = context.getBean(KeyVersions.class);
        KeyFormat format = context.getBean(KeyFormat.class);
        TransactionTemplate transactions = context.getBean(TransactionTemplate.class);
        Scheduler quartz = context.getBean(Scheduler.class);
        JdbcClient jdbc = context.getBean(JdbcClient.class);
        SecureRandom random = new SecureRandom();
        String run = UUID.randomUUID().toString().substring(0, 8);

        quartz.standby(); // nothing fires while seeding
        long seeding = System.nanoTime();
        List<UUID> ids = new ArrayList<>(keyCount);
        java.util.Map<UUID, String> paths = new java.util.concurrent.ConcurrentHashMap<>();
        Instant now = Instant.now();
        for (int batch = 0; batch < keyCount; batch += 1000) {
            int from = batch;
            int to = Math.min(keyCount, batch + 1000);
            transactions.executeWithoutResult(status -> {
                for (int i = from; i < to; i++) {
                    UUID id = UUID.randomUUID();
                    String path = "bench-" + run + "/k" + i + "/api-key";
                    ApiKey key = ApiKey.pending(
                            id,
                            "bench-" + i,
                            "bench",
                            Environment.LIVE,
                            new TreeSet<>(List.of("lists:read")),
                            null,
                            now,
                            null,
                            "bench",
                            io.keybridge.keys.AllowedSources.ANYWHERE);
                    List<KeyDestination> targets = List.of(
                            new KeyDestination(UUID.randomUUID(), id, 0, "vault", path, "secret/keybridge/" + path));
                    try (KeyMaterial material = format.generate(Environment.LIVE, random)) {
                        keys.add(key, targets);
                        keys.activate(id);
                        KeyVersion version = new KeyVersion(
                                UUID.randomUUID(),
                                id,
                                1,
                                material.hash(),
                                material.displayPrefix(),
                                VersionState.ACTIVE,
                                now,
                                null,
                                null);
                        versions.add(version, targets, now);
                        versions.changeState(version.id(), VersionState.ACTIVE, now);
                        // as issuance leaves it: keybridge's record of the Vault version it wrote (written below)
                        versions.updateDelivery(
                                version.id(),
                                targets.getFirst().id(),
                                io.keybridge.keys.DeliveryState.CONFIRMED,
                                "1",
                                true,
                                null,
                                now);
                    }
                    // far in the future (1 to 90 days), as a fleet on a 90-day schedule; re-planned below for some
                    Instant next = now.plus(Duration.ofMinutes(1440 + random.nextInt(89 * 1440)));
                    keys.rotationPlanned(id, next, null);
                    ids.add(id);
                    paths.put(id, path);
                }
            });
            if (to % 10_000 == 0) {
                System.out.printf("  seeded %,d keys%n", to);
            }
        }
        System.out.printf(
                "seeded %,d keys with scheduled rotations in %.0f s%n", keyCount, (System.nanoTime() - seeding) / 1e9);

        context.getBean(VerificationIndex.class).load(); // as after a restart
        System.gc();
        Thread.sleep(500);
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long triggers =
                jdbc.sql("SELECT COUNT(*) FROM QRTZ_TRIGGERS").query(Long.class).single();
        System.out.printf(
                "heap used after GC with %,d keys and %,d triggers: %.0f MiB%n", keyCount, triggers, heap / 1048576.0);

        // spread: rotations falling due over SPREAD_SECONDS, among all the others
        Collections.shuffle(ids, random);
        // the secrets of the keys that will rotate, at Vault as issuance wrote them: a rotation then plans its write
        // from
        // keybridge's record and makes one call, as in production
        long writing = System.nanoTime();
        org.springframework.vault.core.VaultVersionedKeyValueOperations kv = context.getBean(
                        org.springframework.vault.core.VaultOperations.class)
                .opsForVersionedKeyValue("secret");
        try (java.util.concurrent.ExecutorService writers = java.util.concurrent.Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < Math.min(keyCount, spread + burst); i++) {
                String path = "keybridge/" + paths.get(ids.get(i));
                writers.submit(() -> kv.put(path, java.util.Map.of("api_key", "seeded")));
            }
        }
        System.out.printf(
                "wrote the %,d secrets that will rotate to Vault in %.0f s%n",
                Math.min(keyCount, spread + burst), (System.nanoTime() - writing) / 1e9);

        // far enough ahead that planning them all is done before the first is due, so lag measures the look-up alone
        Instant spreadStart = Instant.now().plusSeconds(30);
        java.util.Map<UUID, Instant> dueAt = new java.util.HashMap<>();
        transactions.executeWithoutResult(status -> {
            for (int i = 0; i < spread; i++) {
                Instant due = spreadStart.plusMillis((long) i * spreadSeconds * 1000 / spread);
                keys.rotationPlanned(ids.get(i), due, null);
                dueAt.put(ids.get(i), due);
            }
        });
        requireBefore(spreadStart);
        quartz.start();
        awaitRotations(jdbc, spread, spreadStart.plusSeconds(spreadSeconds + 300));
        // the lag: from when a rotation was due to when it was recorded as started
        jdbc.sql("SELECT key_id, started_at FROM rotations")
                .query((rs, row) -> {
                    Instant due = dueAt.get(rs.getObject("key_id", UUID.class));
                    if (due != null) {
                        LAGS.add(Duration.between(
                                        due, rs.getTimestamp("started_at").toInstant())
                                .toMillis());
                    }
                    return null;
                })
                .list();
        List<Long> lags = new ArrayList<>(LAGS);
        Collections.sort(lags);
        System.out.printf(
                "%,d rotations due over %d s among %,d scheduled keys: start lag p50 %d ms, p99 %d ms, max %d ms%n",
                lags.size(), spreadSeconds, keyCount, percentile(lags, 50), percentile(lags, 99), lags.getLast());

        // burst: BURST rotations due at one instant
        quartz.standby();
        LAGS.clear();
        Instant burstAt = Instant.now().plusSeconds(60);
        transactions.executeWithoutResult(status -> {
            for (int i = spread; i < spread + burst; i++) {
                keys.rotationPlanned(ids.get(i), burstAt, null);
            }
        });
        requireBefore(burstAt);
        quartz.start();
        long done = awaitRotations(jdbc, spread + burst, burstAt.plusSeconds(3600));
        double seconds = (done - burstAt.toEpochMilli()) / 1000.0;
        System.out.printf(
                "%,d rotations due at the same instant: all confirmed after %.1f s (%.0f rotations/s)%n",
                burst, seconds, burst / seconds);
    }

    /** Waits until {@code count} rotations are confirmed; returns the wall-clock time when the last one was. */
    private static long awaitRotations(JdbcClient jdbc, int count, Instant deadline) throws InterruptedException {
        long last = -1;
        while (Instant.now().isBefore(deadline)) {
            long confirmed = jdbc.sql("SELECT COUNT(*) FROM rotations WHERE state IN ('OVERLAP', 'COMPLETED')")
                    .query(Long.class)
                    .single();
            long failed = jdbc.sql("SELECT COUNT(*) FROM rotations WHERE state = 'FAILED'")
                    .query(Long.class)
                    .single();
            if (confirmed != last) {
                System.out.printf("  %,d of %,d rotations confirmed (%,d failed)%n", confirmed, count, failed);
                last = confirmed;
            }
            if (confirmed >= count) {
                return System.currentTimeMillis();
            }
            Thread.sleep(1000);
        }
        throw new IllegalStateException("rotations not confirmed by " + deadline);
    }

    private static void requireBefore(Instant due) {
        if (!Instant.now().isBefore(due)) {
            throw new IllegalStateException("planning took longer than the lead time; the figures would be wrong");
        }
    }

    private static long percentile(List<Long> sorted, int percentile) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1));
    }
}
