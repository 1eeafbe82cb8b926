package io.keybridge.verification.bench;

import io.keybridge.audit.AuditLog;
import io.keybridge.cluster.IndexChanges;
import io.keybridge.keys.ApiKey;
import io.keybridge.keys.Environment;
import io.keybridge.keys.KeyFormat;
import io.keybridge.keys.KeyMaterial;
import io.keybridge.keys.KeyVersion;
import io.keybridge.keys.VersionState;
import io.keybridge.verification.KeyVerifier;
import io.keybridge.verification.LastUseRecorder;
import io.keybridge.verification.Verdict;
import io.keybridge.verification.VerificationIndex;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * In-process verification on one thread: a cache hit (shape and checksum check, SHA-256, index lookup, last-use
 * record, metric), and the refusals of a malformed key and a bad checksum, which never reach the index. The index
 * holds 10,000 keys. No database is involved: none is configured (the repositories are null), which is the point.
 * Run with scripts/bench jmh.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
public class VerificationBenchmark {

    private static final Set<String> SCOPES = Set.of("lists:read");

    private KeyVerifier verifier;
    private String valid;
    private String malformed;
    private String badChecksum;

    @Setup
    public void setUp() {
        KeyFormat format = new KeyFormat("ee");
        SecureRandom random = new SecureRandom();
        VerificationIndex index = new VerificationIndex(null, null, org.mockito.Mockito.mock(IndexChanges.class));
        Instant now = Instant.now();
        for (int i = 0; i < 10_000; i++) {
            try (KeyMaterial material = format.generate(Environment.LIVE, random)) {
                UUID keyId = UUID.randomUUID();
                ApiKey key = ApiKey.pending(
                        keyId,
                        "bench-" + i,
                        "bench",
                        Environment.LIVE,
                        new TreeSet<>(Set.of("lists:read", "leads:read")),
                        null,
                        now,
                        null,
                        "default",
                        io.keybridge.keys.AllowedSources.ANYWHERE);
                index.accept(
                        key,
                        new KeyVersion(
                                UUID.randomUUID(),
                                keyId,
                                1,
                                material.hash(),
                                material.displayPrefix(),
                                VersionState.ACTIVE,
                                now,
                                null,
                                null));
                if (i == 4_242) {
                    valid = material.reveal();
                }
            }
        }
        malformed = "ee_live_" + "x".repeat(20);
        char last = valid.charAt(valid.length() - 1);
        badChecksum = valid.substring(0, valid.length() - 1) + (last == 'a' ? 'b' : 'a');
        Clock clock = Clock.systemUTC();
        verifier = new KeyVerifier(
                format,
                index,
                new LastUseRecorder(null, null),
                new AuditLog(null, null, null, clock, java.time.Duration.ofMinutes(1)),
                clock,
                new SimpleMeterRegistry(),
                new io.keybridge.usage.KeyUsage(null, null, null, usageDefaults(), clock));
        if (!(verifier.verify(valid, SCOPES, "bench") instanceof Verdict.Valid)) {
            throw new IllegalStateException("the benchmark key does not verify");
        }
    }

    /** The defaults, as Spring binds them: only counting in memory runs here, nothing is flushed. */
    private static io.keybridge.usage.UsageProperties usageDefaults() {
        return new org.springframework.boot.context.properties.bind.Binder()
                .bindOrCreate("keybridge.usage", io.keybridge.usage.UsageProperties.class);
    }

    @Benchmark
    public Verdict cacheHit() {
        return verifier.verify(valid, SCOPES, "bench");
    }

    @Benchmark
    public Verdict malformed() {
        return verifier.verify(malformed, SCOPES, "bench");
    }

    @Benchmark
    public Verdict badChecksum() {
        return verifier.verify(badChecksum, SCOPES, "bench");
    }
}
