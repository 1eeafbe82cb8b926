package io.keybridge.notification;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Webhook settings.
 *
 * @param endpoints where events go; none by default
 * @param maxAttempts attempts per delivery before it is marked {@code FAILED}
 * @param initialBackoff wait after the first failure; doubled after each further one
 * @param maxBackoff the longest wait between attempts
 * @param timeout how long one attempt may take
 */
@ConfigurationProperties("keybridge.webhooks")
record WebhookProperties(
        @DefaultValue List<Endpoint> endpoints,
        @DefaultValue("8") int maxAttempts,
        @DefaultValue("PT2S") Duration initialBackoff,
        @DefaultValue("PT10M") Duration maxBackoff,
        @DefaultValue("PT5S") Duration timeout) {

    public WebhookProperties {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("keybridge.webhooks.max-attempts must be at least 1");
        }
        if (initialBackoff.isNegative() || initialBackoff.isZero() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("keybridge.webhooks.initial-backoff must be more than 0 and at most"
                    + " keybridge.webhooks.max-backoff");
        }
        for (Endpoint endpoint : endpoints) {
            if (endpoint.name() == null
                    || endpoint.url() == null
                    || (endpoint.secretFile() == null
                            && (endpoint.secret() == null || endpoint.secret().length() < 16))) {
                throw new IllegalArgumentException("every keybridge.webhooks.endpoints entry needs a name, a url and"
                        + " a secret of at least 16 characters (or a secret-file that holds one)");
            }
            for (String event : endpoint.events()) {
                if (!EventType.NAMES.contains(event)) {
                    throw new IllegalArgumentException("webhook endpoint '" + endpoint.name() + "': unknown event '"
                            + event + "'; known: " + EventType.NAMES);
                }
            }
        }
    }

    /**
     * @param secret the signing secret, in clear
     * @param secretFile a file that holds it instead (a mounted secret), read again whenever it changes
     * @param events the event types it wants (e.g. {@code key.rotated}); empty for all
     */
    public record Endpoint(
            String name,
            URI url,
            @Nullable String secret,
            @Nullable String secretFile,
            @DefaultValue Set<String> events) {

        public boolean wants(String event) {
            return events.isEmpty() || events.contains(event);
        }

        @Override
        public String toString() {
            return "Endpoint[name=" + name + ", url=" + url + ", events=" + events + "]"; // never the secret
        }
    }
}
