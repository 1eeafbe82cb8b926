package io.keybridge.notification.web;

import io.keybridge.notification.WebhookDeliveries;
import io.keybridge.notification.WebhookDelivery;
import io.keybridge.paging.Page;
import io.keybridge.paging.PageRequest;
import io.keybridge.security.Access;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** The webhook delivery log, newest first. */
@RestController
class WebhookDeliveryController {

    private final WebhookDeliveries deliveries;

    WebhookDeliveryController(WebhookDeliveries deliveries) {
        this.deliveries = deliveries;
    }

    /**
     * @param status PENDING, DELIVERED or FAILED
     * @param event an event type, e.g. {@code key.rotated}
     * @param endpoint an endpoint's configured name
     * @param keyId deliveries about this key
     */
    @GetMapping(path = "/api/v1/webhooks/deliveries", produces = MediaType.APPLICATION_JSON_VALUE)
    Page<WebhookDelivery> search(
            @RequestParam(required = false) WebhookDelivery.@Nullable Status status,
            @RequestParam(required = false) @Nullable String event,
            @RequestParam(required = false) @Nullable String endpoint,
            @RequestParam(required = false) @Nullable UUID keyId,
            @RequestParam(defaultValue = "0") int page,
            @RequestParam(defaultValue = "50") int size,
            Authentication caller) {
        if (Access.of(caller).owners(Access.READ).isPresent()) {
            // the log is the platform's: every owner's events, with their keys' names
            throw new ResponseStatusException(
                    HttpStatus.FORBIDDEN,
                    "The delivery log holds every owner's events; your bindings reach only some owners.");
        }
        return deliveries.search(status, event, endpoint, keyId, new PageRequest(page, size));
    }
}
