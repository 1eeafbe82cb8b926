package io.keybridge.destination.aws;

import java.net.URI;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How keybridge reaches AWS Secrets Manager. Everything is optional: by default the SDK's own conventions apply
 * ({@code AWS_REGION}, {@code AWS_ENDPOINT_URL} / {@code AWS_ENDPOINT_URL_SECRETS_MANAGER}, profiles, the default
 * credentials chain), so pointing keybridge at moto or a VPC endpoint needs no keybridge setting.
 *
 * @param region overrides the SDK's region
 * @param endpoint overrides the SDK's endpoint
 * @param namePrefix every secret keybridge writes is named below this prefix, which its IAM policy is scoped to
 * @param kmsKeyId the KMS key new secrets are encrypted with; AWS's default key for Secrets Manager if empty
 * @param writesPerSecond keybridge's own limit on its AWS write calls ({@code CreateSecret}, {@code PutSecretValue},
 *     {@code UpdateSecretVersionStage}, …), below AWS's shared quota of 50 per second per account and region, so that
 *     a bulk emergency rotation queues instead of being throttled
 */
@ConfigurationProperties("keybridge.aws")
public record AwsProperties(
        @Nullable String region,
        @Nullable URI endpoint,
        @DefaultValue("keybridge/") String namePrefix,
        @Nullable String kmsKeyId,
        @DefaultValue("40") int writesPerSecond) {}
