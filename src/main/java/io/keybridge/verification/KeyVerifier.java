package io.keybridge.verification;

import io.keybridge.audit.AuditLog;
import io.keybridge.keys.KeyFormat;
import io.keybridge.keys.KeyHash;
import io.keybridge.usage.KeyUsage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;

/**
 * Decides whether a presented key is valid for the scopes an endpoint needs.
 *
 * <p>Malformed keys and bad checksums are refused before any lookup; everything else is answered from the
 * {@link VerificationIndex} in memory. Last use is recorded in memory and refusals are counted for the audit log, so a
 * verification never touches the database. Thread-safe.
 */
@Service
public class KeyVerifier {

    /** One verification in 16 is timed. */
    private static final int LATENCY_SAMPLE_MASK = 15;

    private final KeyFormat format;
    private final VerificationIndex index;
    private final LastUseRecorder lastUse;
    private final AuditLog audit;
    private final Clock clock;
    private final Map<Verdict.Reason, Counter> refusals = new EnumMap<>(Verdict.Reason.class);
    private final Counter valid;
    private final Counter missingScope;
    private final Counter sourceRefused;
    private final KeyUsage usage;
    private final Timer validLatency;
    private final Timer missingScopeLatency;
    private final Timer refusedLatency;
    private final Timer sourceRefusedLatency;

    public KeyVerifier(
            KeyFormat format,
            VerificationIndex index,
            LastUseRecorder lastUse,
            AuditLog audit,
            Clock clock,
            MeterRegistry meters,
            KeyUsage usage) {
        this.usage = usage;
        this.format = format;
        this.index = index;
        this.lastUse = lastUse;
        this.audit = audit;
        this.clock = clock;
        for (Verdict.Reason reason : Verdict.Reason.values()) {
            refusals.put(reason, counter(meters, "refused", reason.name().toLowerCase(java.util.Locale.ROOT)));
        }
        this.valid = counter(meters, "valid", "none");
        this.missingScope = counter(meters, "missing_scope", "none");
        this.sourceRefused = counter(meters, "source_not_allowed", "none");
        this.validLatency = latency(meters, "valid");
        this.missingScopeLatency = latency(meters, "missing_scope");
        this.refusedLatency = latency(meters, "refused");
        this.sourceRefusedLatency = latency(meters, "source_not_allowed");
    }

    /**
     * Verifies a key as presented by a client.
     *
     * @param presented the key, or null if the client sent none
     * @param requiredScopes scopes the endpoint needs; empty for none
     * @param caller who asks (the gateway), for the audit log
     */
    public Verdict verify(@Nullable String presented, Set<String> requiredScopes, String caller) {
        return verify(presented, requiredScopes, caller, null);
    }

    /**
     * Verifies a key as presented by a client at an address.
     *
     * @param source the client's address as the gateway saw it, or null if it did not say; a key with an allow-list
     *     is refused without one
     */
    public Verdict verify(
            @Nullable String presented, Set<String> requiredScopes, String caller, @Nullable String source) {
        // latency is sampled: timing every call cost more than a malformed key's whole refusal (JMH, BENCHMARKS.md)
        if ((ThreadLocalRandom.current().nextInt() & LATENCY_SAMPLE_MASK) != 0) {
            return decide(presented, requiredScopes, caller, source);
        }
        long start = System.nanoTime();
        Verdict verdict = decide(presented, requiredScopes, caller, source);
        Timer latency = switch (verdict) {
            case Verdict.Valid valid -> validLatency;
            case Verdict.MissingScope missing -> missingScopeLatency;
            case Verdict.SourceNotAllowed notAllowed -> sourceRefusedLatency;
            case Verdict.Refused refused -> refusedLatency;
        };
        latency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        return verdict;
    }

    private Verdict decide(
            @Nullable String presented, Set<String> requiredScopes, String caller, @Nullable String source) {
        KeyFormat.Check check = format.check(presented);
        if (!check.wellFormed()) {
            return refuse(
                    check == KeyFormat.Check.BAD_CHECKSUM ? Verdict.Reason.BAD_CHECKSUM : Verdict.Reason.MALFORMED,
                    null,
                    caller);
        }
        VerifiableVersion version = index.find(KeyHash.of(presented));
        if (version == null) {
            return refuse(Verdict.Reason.UNKNOWN, null, caller);
        }
        if (version.revoked()) {
            usage.revokedVersionUsed(version.keyId(), version.version(), source, caller);
            return refuse(Verdict.Reason.REVOKED, version.keyId(), caller);
        }
        Instant now = clock.instant();
        if (version.expiresAt() != null && !now.isBefore(version.expiresAt())) {
            return refuse(Verdict.Reason.EXPIRED, version.keyId(), caller);
        }
        if (version.suspended()) {
            return refuse(Verdict.Reason.SUSPENDED, version.keyId(), caller);
        }
        if (!version.allowedSources().permits(source)) {
            sourceRefused.increment();
            usage.sourceRefused(version.keyId(), source);
            audit.recordRefusal(caller, "verify", version.keyId(), "source not allowed", "from " + source);
            return new Verdict.SourceNotAllowed(version.keyId());
        }
        lastUse.record(version.keyId(), version.versionId(), now);
        if (!version.scopes().containsAll(requiredScopes)) {
            Set<String> missing = new TreeSet<>(requiredScopes);
            missing.removeAll(version.scopes());
            missingScope.increment();
            usage.used(version.keyId(), version.version(), source, now, requiredScopes, true);
            audit.recordRefusal(caller, "verify", version.keyId(), "missing scope", String.join(" ", missing));
            return new Verdict.MissingScope(version.keyId(), missing);
        }
        valid.increment();
        usage.used(version.keyId(), version.version(), source, now, requiredScopes, false);
        return new Verdict.Valid(
                version.keyId(),
                version.name(),
                version.owner(),
                version.environment(),
                version.scopes(),
                version.expiresAt());
    }

    private Verdict refuse(Verdict.Reason reason, @Nullable UUID keyId, String caller) {
        refusals.get(reason).increment();
        audit.recordRefusal(caller, "verify", keyId, reason.name().toLowerCase(java.util.Locale.ROOT));
        return new Verdict.Refused(reason, keyId);
    }

    private static Timer latency(MeterRegistry meters, String outcome) {
        return Timer.builder("keybridge.verification.latency")
                .description("Time to decide a verification, by outcome; one verification in 16 is timed (counts:"
                        + " keybridge.verifications)")
                .tag("outcome", outcome)
                .register(meters);
    }

    private static Counter counter(MeterRegistry meters, String outcome, String reason) {
        return Counter.builder("keybridge.verifications")
                .description("Key verifications by outcome")
                .tag("outcome", outcome)
                .tag("reason", reason)
                .register(meters);
    }
}
