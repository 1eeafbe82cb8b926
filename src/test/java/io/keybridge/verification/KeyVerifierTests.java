package io.keybridge.verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.keybridge.audit.AuditLog;
import io.keybridge.keys.Environment;
import io.keybridge.keys.KeyFormat;
import io.keybridge.keys.KeyHash;
import io.keybridge.keys.KeyMaterial;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class KeyVerifierTests {

    private final KeyFormat format = new KeyFormat("ee");
    private final VerificationIndex index = mock(VerificationIndex.class);
    private final LastUseRecorder lastUse = mock(LastUseRecorder.class);
    private final AuditLog audit = mock(AuditLog.class);
    private final io.keybridge.usage.KeyUsage usage = mock(io.keybridge.usage.KeyUsage.class);
    private final Instant now = Instant.parse("2026-11-23T12:00:00Z");
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final KeyVerifier verifier =
            new KeyVerifier(format, index, lastUse, audit, Clock.fixed(now, ZoneOffset.UTC), meters, usage);

    @Test
    void malformedKeysAndBadChecksumsAreRefusedWithoutALookup() {
        String key;
        try (KeyMaterial material = format.generate(Environment.LIVE, new SecureRandom())) {
            key = material.reveal();
        }
        String typo = key.substring(0, 20) + (key.charAt(20) == 'a' ? 'b' : 'a') + key.substring(21);

        assertThat(verifier.verify("not-a-key", Set.of(), "gw"))
                .isEqualTo(new Verdict.Refused(Verdict.Reason.MALFORMED, null));
        assertThat(verifier.verify(null, Set.of(), "gw"))
                .isEqualTo(new Verdict.Refused(Verdict.Reason.MALFORMED, null));
        assertThat(verifier.verify(typo, Set.of(), "gw"))
                .isEqualTo(new Verdict.Refused(Verdict.Reason.BAD_CHECKSUM, null));

        verify(index, never()).find(any());
        verify(lastUse, never()).record(any(), any(), any());
        assertThat(meters.get("keybridge.verifications")
                        .tag("reason", "bad_checksum")
                        .counter()
                        .count())
                .isEqualTo(1);
    }

    @Test
    void aValidKeyIsRecordedAsUsedAndExpiryIsExclusive() {
        UUID keyId = UUID.randomUUID();
        try (KeyMaterial material = format.generate(Environment.TEST, new SecureRandom())) {
            when(index.find(material.hash())).thenReturn(entry(keyId, now.plus(Duration.ofSeconds(1)), false));
            assertThat(verifier.verify(material.reveal(), Set.of("lists:read"), "gw"))
                    .isInstanceOf(Verdict.Valid.class);
            verify(lastUse).record(org.mockito.ArgumentMatchers.eq(keyId), any(), org.mockito.ArgumentMatchers.eq(now));

            when(index.find(material.hash())).thenReturn(entry(keyId, now, false));
            assertThat(verifier.verify(material.reveal(), Set.of(), "gw"))
                    .isEqualTo(new Verdict.Refused(Verdict.Reason.EXPIRED, keyId));

            when(index.find(material.hash())).thenReturn(entry(keyId, null, true));
            assertThat(verifier.verify(material.reveal(), Set.of(), "gw"))
                    .isEqualTo(new Verdict.Refused(Verdict.Reason.REVOKED, keyId));
            verify(audit).recordRefusal("gw", "verify", keyId, "revoked");
        }
    }

    @Test
    void missingScopesAreNamed() {
        UUID keyId = UUID.randomUUID();
        try (KeyMaterial material = format.generate(Environment.LIVE, new SecureRandom())) {
            when(index.find(KeyHash.of(material.reveal()))).thenReturn(entry(keyId, null, false));

            assertThat(verifier.verify(material.reveal(), Set.of("lists:read", "leads:write", "lists:write"), "gw"))
                    .isEqualTo(new Verdict.MissingScope(keyId, Set.of("leads:write", "lists:write")));
        }
    }

    private static VerifiableVersion entry(UUID keyId, Instant expiresAt, boolean revoked) {
        return new VerifiableVersion(
                keyId,
                UUID.randomUUID(),
                1,
                "name",
                "owner",
                Environment.LIVE,
                Set.of("lists:read"),
                expiresAt,
                io.keybridge.keys.AllowedSources.ANYWHERE,
                false,
                revoked);
    }
}
