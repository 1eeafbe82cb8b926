package io.keybridge.notification;

import io.keybridge.audit.AuditTrail;
import io.keybridge.config.SecretFile;
import io.keybridge.keys.ApiKeys;
import io.keybridge.retry.RetryBackOff;
import io.keybridge.security.HmacSignature;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Collects events from the audit trail into deliveries, and sends the deliveries that are due.
 *
 * <p>Collecting takes the cursor's row lock, so one node at a time turns each audit entry into one delivery per
 * endpoint, in the same transaction that moves the cursor: no event is skipped or collected twice. Sending claims each
 * delivery with a lease first, so two nodes never send the same attempt; a node that dies mid-attempt leaves the lease
 * to run out and the attempt is made again (at least once: receivers deduplicate by {@code Keybridge-Event-Id}).
 */
@Service
class Webhooks {

    private static final Logger log = LoggerFactory.getLogger(Webhooks.class);
    private static final int BATCH = 500;

    private final WebhookProperties properties;
    private final WebhookDeliveries deliveries;
    private final AuditTrail trail;
    private final ApiKeys keys;
    private final TransactionTemplate transactions;
    private final JsonMapper json;
    private final Clock clock;
    private final HttpClient http;
    private final Map<String, WebhookProperties.Endpoint> endpoints;
    private final Map<String, Supplier<String>> secrets;
    private final RetryBackOff retries;

    Webhooks(
            WebhookProperties properties,
            WebhookDeliveries deliveries,
            AuditTrail trail,
            ApiKeys keys,
            TransactionTemplate transactions,
            JsonMapper json,
            Clock clock) {
        this.properties = properties;
        this.deliveries = deliveries;
        this.trail = trail;
        this.keys = keys;
        this.transactions = transactions;
        this.json = json;
        this.clock = clock;
        this.http = HttpClient.newBuilder()
                .connectTimeout(properties.timeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.retries = new RetryBackOff(properties.initialBackoff(), properties.maxBackoff(), 0);
        this.endpoints = properties.endpoints().stream()
                .collect(Collectors.toUnmodifiableMap(WebhookProperties.Endpoint::name, Function.identity()));
        this.secrets = properties.endpoints().stream()
                .collect(Collectors.toUnmodifiableMap(WebhookProperties.Endpoint::name, Webhooks::secret));
    }

    /** An endpoint's signing secret, from the configuration or a file; a short or missing one stops start-up. */
    private static Supplier<String> secret(WebhookProperties.Endpoint endpoint) {
        String setting = "keybridge.webhooks.endpoints[" + endpoint.name() + "]";
        Supplier<String> secret = SecretFile.either(
                endpoint.secret(), endpoint.secretFile(), setting + ".secret", setting + ".secret-file");
        if (secret == null || secret.get().length() < 16) {
            throw new IllegalStateException(setting + " needs a secret of at least 16 characters");
        }
        return secret;
    }

    /** Turns new audit entries into deliveries; returns how many deliveries were created. */
    @Scheduled(fixedDelayString = "${keybridge.webhooks.poll-interval:1s}")
    public int collect() {
        Integer created = transactions.execute(status -> {
            long cursor = deliveries.lockCursor();
            List<AuditTrail.ExportedEntry> entries = trail.chainedAfter(cursor, BATCH);
            if (entries.isEmpty()) {
                return 0;
            }
            int added = 0;
            Instant now = clock.instant();
            for (AuditTrail.ExportedEntry entry : entries) {
                if (!"SUCCESS".equals(entry.outcome()) || properties.endpoints().isEmpty()) {
                    continue;
                }
                String type = EventType.of(entry.action()).orElse(null);
                if (type == null) {
                    continue;
                }
                WebhookEvent event = event(entry, type);
                String payload = json.writeValueAsString(event);
                for (WebhookProperties.Endpoint endpoint : properties.endpoints()) {
                    if (endpoint.wants(type)) {
                        deliveries.add(event.id(), type, endpoint.name(), entry.keyId(), payload, now);
                        added++;
                    }
                }
            }
            deliveries.moveCursor(entries.getLast().chainSeq());
            return added;
        });
        return created == null ? 0 : created;
    }

    /** Claims the deliveries that are due and sends each on a virtual thread; returns at once. */
    @Scheduled(fixedDelayString = "${keybridge.webhooks.poll-interval:1s}")
    public void sendDue() {
        if (endpoints.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        // long enough for the attempt itself; a node that dies holding it is replaced once it runs out
        Instant leaseUntil = now.plus(properties.timeout().multipliedBy(2)).plusSeconds(5);
        for (UUID id : deliveries.due(now, 100)) {
            if (deliveries.claim(id, now, leaseUntil)) {
                Thread.ofVirtual().name("webhook-" + id).start(() -> attempt(id));
            }
        }
    }

    private void attempt(UUID id) {
        WebhookDeliveries.Claimed delivery = deliveries.claimed(id).orElse(null);
        if (delivery == null) {
            return;
        }
        WebhookProperties.Endpoint endpoint = endpoints.get(delivery.endpoint());
        int attempts = delivery.attempts() + 1;
        if (endpoint == null) {
            deliveries.attemptFailed(id, attempts, null, "endpoint no longer configured", clock.instant(), null);
            return;
        }
        byte[] body = delivery.payload().getBytes(StandardCharsets.UTF_8);
        String timestamp = Long.toString(clock.instant().getEpochSecond());
        Integer status = null;
        String error;
        try {
            HttpRequest request = HttpRequest.newBuilder(endpoint.url())
                    .timeout(properties.timeout())
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "keybridge-webhooks")
                    .header("Keybridge-Event-Id", delivery.eventId().toString())
                    .header("Keybridge-Event-Type", delivery.eventType())
                    .header("Keybridge-Delivery-Attempt", Integer.toString(attempts))
                    .header("Keybridge-Timestamp", timestamp)
                    .header(
                            "Keybridge-Signature",
                            "v1="
                                    + HmacSignature.sign(
                                            secrets.get(endpoint.name()).get(), timestamp, body))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build();
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            status = response.statusCode();
            if (status / 100 == 2) {
                deliveries.delivered(id, attempts, status, clock.instant());
                return;
            }
            error = "HTTP " + status;
        } catch (java.io.IOException | IllegalArgumentException e) {
            error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return; // shutting down: the lease runs out and the attempt is made again
        }
        Instant now = clock.instant();
        @Nullable Instant retryAt = attempts >= properties.maxAttempts() ? null : now.plus(backoff(attempts));
        deliveries.attemptFailed(id, attempts, status, error, now, retryAt);
        if (retryAt == null) {
            log.error(
                    "webhook {} to '{}' failed for good after {} attempts: {}",
                    delivery.eventType(),
                    endpoint.name(),
                    attempts,
                    error);
        } else {
            log.warn(
                    "webhook {} to '{}' failed (attempt {}): {}; next attempt at {}",
                    delivery.eventType(),
                    endpoint.name(),
                    attempts,
                    error,
                    retryAt);
        }
    }

    /** {@code initial × 2^(attempts-1)}, at most {@code max}. */
    Duration backoff(int attempts) {
        return retries.after(attempts);
    }

    private WebhookEvent event(AuditTrail.ExportedEntry entry, String type) {
        WebhookEvent.Key key = entry.keyId() == null
                ? null
                : keys.find(entry.keyId())
                        .map(found ->
                                new WebhookEvent.Key(found.id(), found.name(), found.owner(), found.environment()))
                        .orElse(null);
        long seq = entry.chainSeq() == null ? 0 : entry.chainSeq();
        return new WebhookEvent(
                UUID.nameUUIDFromBytes(("keybridge-audit-" + seq).getBytes(StandardCharsets.UTF_8)),
                type,
                entry.occurredAt(),
                key,
                entry.actor(),
                entry.detail(),
                seq);
    }
}
