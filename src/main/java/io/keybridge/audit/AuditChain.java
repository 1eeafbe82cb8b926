package io.keybridge.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How an audit entry is chained: SHA-256 over the entry's fields, each written as its length and its text (so that no
 * choice of values can make two different entries hash alike), followed by the previous entry's hash.
 */
final class AuditChain {

    /** The "previous hash" of the first entry. */
    public static final String GENESIS = "0".repeat(64);

    private AuditChain() {}

    /** The hash of an entry as stored: {@code occurredAt} to the microsecond, text already truncated. */
    public static String hash(long seq, AuditEntry entry, String previousHash) {
        StringBuilder canonical = new StringBuilder(256);
        field(canonical, Long.toString(seq));
        field(canonical, entry.occurredAt().toString());
        field(canonical, entry.actor());
        field(canonical, entry.action());
        field(canonical, entry.keyId() == null ? null : entry.keyId().toString());
        field(canonical, entry.outcome().name());
        field(canonical, entry.requestId());
        field(canonical, entry.detail());
        field(canonical, Integer.toString(entry.occurrences()));
        field(canonical, previousHash);
        return sha256(canonical.toString());
    }

    /** Instants are stored to the microsecond; hashing the stored value keeps the check independent of the driver. */
    static Instant stored(Instant instant) {
        return instant.truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    }

    private static void field(StringBuilder canonical, @Nullable String value) {
        if (value == null) {
            canonical.append("-1:;");
        } else {
            canonical.append(value.length()).append(':').append(value).append(';');
        }
    }

    private static String sha256(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }

    /** Whether two hashes are the same (the stored one may come back padded or in another case). */
    static boolean same(@Nullable String stored, @Nullable String computed) {
        return stored != null
                && computed != null
                && Objects.equals(stored.strip().toLowerCase(java.util.Locale.ROOT), computed);
    }
}
