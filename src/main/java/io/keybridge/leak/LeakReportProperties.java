package io.keybridge.leak;

import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Leak report settings. Reports are accepted only when at least one way of checking their signature is configured.
 *
 * @param secret shared secret for {@code Keybridge-Signature: v1=<hex HMAC-SHA256>}
 * @param secretFile a file that holds the shared secret instead (a mounted secret), read again whenever it changes
 * @param publicKeyFile PEM file of the reporter's public key (EC or RSA) for {@code Keybridge-Signature: sig=<base64>}
 * @param maxAge how far a report's {@code Keybridge-Timestamp} may be from now, either way
 * @param response what a report naming a live key does to it
 */
@ConfigurationProperties("keybridge.leak-reports")
record LeakReportProperties(
        @Nullable String secret,
        @Nullable String secretFile,
        @Nullable Path publicKeyFile,
        @DefaultValue("PT5M") Duration maxAge,
        @DefaultValue("EMERGENCY_ROTATE") Response response) {

    /** What happens to a live key a report names. */
    public enum Response {
        /** Revoke every live version at once and deliver a replacement (the default). */
        EMERGENCY_ROTATE,
        /** Revoke the key for good; nothing replaces it. */
        REVOKE,
        /** Raise a finding only; a person decides. */
        FINDING_ONLY
    }

    @Override
    public String toString() {
        return "LeakReportProperties[secret=" + (secret == null ? "none" : "(set)") + ", secretFile=" + secretFile
                + ", publicKeyFile=" + publicKeyFile
                + ", maxAge=" + maxAge + ", response=" + response + "]"; // never the secret
    }

    public boolean enabled() {
        return (secret != null && !secret.isBlank())
                || (secretFile != null && !secretFile.isBlank())
                || publicKeyFile != null;
    }
}
