package io.keybridge.delivery.aws;

import java.util.Set;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.model.SecretsManagerException;

/**
 * Says what an AWS error means for the operator and what to do about it. The words come from AWS's error code and
 * message, which never contain the request (so never the key).
 */
final class AwsErrors {

    private static final Set<String> THROTTLING = Set.of(
            "ThrottlingException",
            "Throttling",
            "TooManyRequestsException",
            "RequestLimitExceeded",
            "LimitExceededException");
    private static final Set<String> DENIED = Set.of(
            "AccessDeniedException",
            "AccessDenied",
            "UnrecognizedClientException",
            "InvalidSignatureException",
            "ExpiredTokenException",
            "InvalidClientTokenId");
    private static final Set<String> KMS = Set.of("EncryptionFailure", "DecryptionFailure");

    private AwsErrors() {}

    /** For an error AWS answered with. */
    static String explain(String operation, String secretName, SecretsManagerException e, @Nullable String kmsKeyId) {
        // AWS (and what stands in front of it) may answer without an error code
        String code = e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null
                ? ""
                : e.awsErrorDetails().errorCode();
        String message = e.awsErrorDetails() == null || e.awsErrorDetails().errorMessage() == null
                ? e.getClass().getSimpleName()
                : e.awsErrorDetails().errorMessage();
        String said = "AWS " + operation + " failed: " + code + ": " + message;
        if (THROTTLING.contains(code)) {
            return said
                    + ". AWS still throttled keybridge after the SDK's retries with backoff; its write quota (50 per"
                    + " second per account and region) is shared with everything else in the account: lower"
                    + " keybridge.aws.writes-per-second, or try again later";
        }
        if ("LimitExceededException".equals(code)) {
            return said + ". The secret holds as many versions as AWS allows; AWS removes versions without a stage"
                    + " after a while, so try again later";
        }
        if (DENIED.contains(code)) {
            return said + ". keybridge's AWS identity may not call secretsmanager:" + operation + " on " + secretName
                    + ": grant what policies/aws/keybridge-iam.json grants (names below keybridge.aws.name-prefix,"
                    + " tag managed-by=keybridge)";
        }
        if (KMS.contains(code) || code.startsWith("KMS") || message.contains("KMS")) {
            return said + ". AWS could not use the KMS key "
                    + (kmsKeyId == null || kmsKeyId.isBlank() ? "(AWS's default key for Secrets Manager)" : kmsKeyId)
                    + ": it must be enabled, and keybridge needs kms:GenerateDataKey and kms:Decrypt on it";
        }
        if ("ResourceExistsException".equals(code)) {
            return said + ". A secret of that name exists at AWS, perhaps scheduled for deletion: restore or delete it"
                    + " there, or choose another name";
        }
        if ("InvalidRequestException".equals(code)) {
            return said + ". The usual causes are a secret scheduled for deletion (restore it at AWS) or a stage that"
                    + " another writer moved meanwhile (the next attempt plans again)";
        }
        return said;
    }

    /** For a call that got no answer: whether anything was written is unknown. */
    static String explain(String operation, SdkException e) {
        if (e instanceof ApiCallTimeoutException) {
            return "AWS " + operation + " got no answer in time, even after retries (keybridge.aws.call-timeout)";
        }
        String cause =
                e.getCause() == null ? "" : " (" + e.getCause().getClass().getSimpleName() + ")";
        return "AWS " + operation + " failed: " + e.getClass().getSimpleName() + cause
                + ". AWS could not be reached, or keybridge has no AWS credentials or region";
    }
}
