package io.keybridge.delivery.aws;

import java.net.URI;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How keybridge reaches AWS Secrets Manager. Everything is optional: by default the SDK's own conventions apply
 * ({@code AWS_REGION}, {@code AWS_ENDPOINT_URL} / {@code AWS_ENDPOINT_URL_SECRETS_MANAGER}, {@code AWS_MAX_ATTEMPTS},
 * {@code AWS_RETRY_MODE}, profiles, the default credentials chain), so pointing keybridge at moto or a VPC endpoint
 * needs no keybridge setting.
 *
 * @param region overrides the SDK's region for destinations that name none
 * @param endpoint overrides the SDK's endpoint (for every region)
 * @param stsEndpoint overrides the STS endpoint used to assume a destination's {@code roleArn} (else the SDK's, which
 *     also reads {@code AWS_ENDPOINT_URL_STS})
 * @param namePrefix every secret keybridge writes is named below this prefix, which its IAM policy is scoped to
 * @param kmsKeyId the KMS key new secrets are encrypted with; AWS's default key for Secrets Manager if empty
 * @param writesPerSecond keybridge's own limit on its AWS write calls ({@code CreateSecret}, {@code PutSecretValue},
 *     {@code UpdateSecretVersionStage}, …) per region, below AWS's shared quota of 50 per second per account and
 *     region, so that a bulk emergency rotation queues instead of being throttled
 * @param attemptTimeout how long one attempt of an AWS call may take before the SDK gives up on it and tries again
 *     (a write is retried with the same {@code ClientRequestToken}, so one that landed is not written twice)
 * @param callTimeout how long an AWS call may take with all its attempts
 * @param roleSessionDuration how long a session of a destination's {@code roleArn} lasts ({@code DurationSeconds});
 *     AWS accepts 15 minutes up to the role's maximum session duration (1 hour unless raised, at most 12 hours). The
 *     session is renewed before it ends
 */
@ConfigurationProperties("keybridge.aws")
record AwsProperties(
        @Nullable String region,
        @Nullable URI endpoint,
        @Nullable URI stsEndpoint,
        @DefaultValue("keybridge/") String namePrefix,
        @Nullable String kmsKeyId,
        @DefaultValue("40") int writesPerSecond,
        @DefaultValue("10s") Duration attemptTimeout,
        @DefaultValue("60s") Duration callTimeout,
        @DefaultValue("PT1H") Duration roleSessionDuration) {

    public AwsProperties {
        if (roleSessionDuration.isNegative()
                || roleSessionDuration.isZero()
                || roleSessionDuration.compareTo(Duration.ofHours(12)) > 0) {
            throw new IllegalStateException("keybridge.aws.role-session-duration must be more than 0 and at most"
                    + " PT12H (AWS accepts PT15M up to the role's maximum session duration), not "
                    + roleSessionDuration);
        }
    }
}
