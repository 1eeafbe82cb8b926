package io.keybridge.audit.web;

import io.keybridge.audit.AuditEntry;
import io.keybridge.audit.AuditLog;
import io.keybridge.audit.AuditQuery;
import io.keybridge.paging.Page;
import io.keybridge.paging.PageRequest;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Reads the audit trail, newest first. */
@RestController
class AuditController {

    private final AuditLog audit;

    AuditController(AuditLog audit) {
        this.audit = audit;
    }

    /**
     * @param keyId entries about this key
     * @param actor entries by this caller (a token's name)
     * @param action e.g. {@code key.issue}, {@code key.revoke}, {@code verify}
     * @param from entries at or after this instant
     * @param to entries before this instant
     */
    @GetMapping(path = "/api/v1/audit", produces = MediaType.APPLICATION_JSON_VALUE)
    Page<AuditEntry> search(
            @RequestParam(required = false) @Nullable UUID keyId,
            @RequestParam(required = false) @Nullable String actor,
            @RequestParam(required = false) @Nullable String action,
            @RequestParam(required = false) @Nullable Instant from,
            @RequestParam(required = false) @Nullable Instant to,
            @RequestParam(defaultValue = "0") int page,
            @RequestParam(defaultValue = "50") int size) {
        return audit.search(new AuditQuery(keyId, actor, action, from, to), new PageRequest(page, size));
    }
}
