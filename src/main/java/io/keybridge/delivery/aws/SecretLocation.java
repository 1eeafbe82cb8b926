package io.keybridge.delivery.aws;

import io.keybridge.delivery.InvalidDestinationException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Where in AWS a destination's secret lives, and how it is created there.
 *
 * <p>A destination is stored as one path string: the secret id, then the destination's options as a query, e.g.
 * {@code crm-sync/api-key?region=eu-west-1&kms=alias%2Fcrm&tag.team=crm}. Neither {@code ?} nor {@code &} can occur in
 * a secret name, so the encoding is unambiguous, and keybridge's generic destination table needs no AWS columns.
 *
 * @param region the region the destination names, or null for keybridge's default region
 * @param secretId the secret's name as the client gave it, below the name prefix
 * @param kmsKeyId the KMS key to create the secret with, or null for {@code keybridge.aws.kms-key-id}
 * @param tags tags to put on the secret besides keybridge's own
 * @param roleArn the IAM role keybridge assumes for this destination (a secret in another account), or null for its
 *     own credentials
 * @param externalId the external id that role's trust policy asks for, or null
 */
record SecretLocation(
        @Nullable String region,
        String secretId,
        @Nullable String kmsKeyId,
        Map<String, String> tags,
        @Nullable String roleArn,
        @Nullable String externalId) {

    public SecretLocation {
        tags = Map.copyOf(tags);
    }

    public SecretLocation(
            @Nullable String region, String secretId, @Nullable String kmsKeyId, Map<String, String> tags) {
        this(region, secretId, kmsKeyId, tags, null, null);
    }

    /** The account of {@link #roleArn}, or null. */
    @Nullable
    String account() {
        if (roleArn == null) {
            return null;
        }
        String[] parts = roleArn.split(":", -1);
        return parts.length > 4 ? parts[4] : null;
    }

    /** The stored form (see the class comment); parsed back by {@link #parse}. */
    public String path() {
        StringBuilder query = new StringBuilder();
        if (region != null) {
            query.append("&region=").append(encode(region));
        }
        if (kmsKeyId != null) {
            query.append("&kms=").append(encode(kmsKeyId));
        }
        if (roleArn != null) {
            query.append("&role=").append(encode(roleArn));
        }
        if (externalId != null) {
            query.append("&external-id=").append(encode(externalId));
        }
        new TreeMap<>(tags)
                .forEach((key, value) ->
                        query.append("&tag.").append(encode(key)).append('=').append(encode(value)));
        return query.isEmpty() ? secretId : secretId + "?" + query.substring(1);
    }

    static SecretLocation parse(String path) {
        int question = path.indexOf('?');
        if (question < 0) {
            return new SecretLocation(null, path, null, Map.of());
        }
        String region = null;
        String kms = null;
        String role = null;
        String externalId = null;
        Map<String, String> tags = new TreeMap<>();
        for (String pair : path.substring(question + 1).split("&", -1)) {
            int equals = pair.indexOf('=');
            if (equals <= 0) {
                throw new InvalidDestinationException(
                        "secret-name", "a secret name has no '?' or '&' (give region, kmsKeyId and tags as fields)");
            }
            String name = decode(pair.substring(0, equals));
            String value = decode(pair.substring(equals + 1));
            if (name.equals("region")) {
                region = value;
            } else if (name.equals("kms")) {
                kms = value;
            } else if (name.equals("role")) {
                role = value;
            } else if (name.equals("external-id")) {
                externalId = value;
            } else if (name.startsWith("tag.") && name.length() > 4) {
                tags.put(name.substring(4), value);
            } else {
                throw new InvalidDestinationException(
                        "secret-name", "a secret name has no '?' or '&' (give region, kmsKeyId and tags as fields)");
            }
        }
        return new SecretLocation(region, path.substring(0, question), kms, tags, role, externalId);
    }

    /** The secret's name at AWS. */
    String name(String namePrefix) {
        return namePrefix + secretId;
    }

    /**
     * The reference shown to clients: {@code aws:secretsmanager:[region:]name}, or, in another account,
     * {@code aws:secretsmanager:[region]:account:name}.
     */
    String ref(String namePrefix) {
        String account = account();
        if (account != null) {
            return "aws:secretsmanager:" + (region == null ? "" : region) + ":" + account + ":" + name(namePrefix);
        }
        return "aws:secretsmanager:" + (region == null ? "" : region + ":") + name(namePrefix);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String decode(String value) {
        try {
            return URLDecoder.decode(value, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new InvalidDestinationException("secret-name", "a destination option is not URL-encoded");
        }
    }
}
