package io.keybridge.destination.aws;

import org.jspecify.annotations.Nullable;

/**
 * Where in AWS a destination's secret lives.
 *
 * @param region the region the destination names, or null for keybridge's default region
 * @param secretId the secret's name as the client gave it, below {@code namePrefix}
 * @param namePrefix {@code keybridge.aws.name-prefix}
 */
record SecretLocation(@Nullable String region, String secretId, String namePrefix) {

    /** The secret's name at AWS. */
    String name() {
        return namePrefix + secretId;
    }

    /** The reference shown to clients: {@code aws:secretsmanager:[region:]name}. */
    String ref() {
        return "aws:secretsmanager:" + (region == null ? "" : region + ":") + name();
    }
}
