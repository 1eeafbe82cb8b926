package io.keybridge.audit.web;

import io.keybridge.audit.AuditEntry;
import io.keybridge.audit.AuditLog;
import io.keybridge.audit.AuditQuery;
import io.keybridge.audit.AuditTrail;
import io.keybridge.audit.ReadableOwners;
import io.keybridge.paging.Page;
import io.keybridge.paging.PageRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** Reads the audit trail (newest first), checks its hash chain, exports it as JSON Lines. */
@RestController
class AuditController {

    private final AuditLog audit;
    private final AuditTrail trail;
    private final ReadableOwners readableOwners;

    AuditController(AuditLog audit, AuditTrail trail, ReadableOwners readableOwners) {
        this.audit = audit;
        this.trail = trail;
        this.readableOwners = readableOwners;
    }

    /**
     * Recomputes the hash chain over every entry: {@code intact} and how many entries were checked, or the first entry
     * that was changed, removed or inserted by hand.
     */
    @GetMapping(path = "/api/v1/audit/verify", produces = MediaType.APPLICATION_JSON_VALUE)
    AuditTrail.ChainReport verifyChain() {
        return trail.verify();
    }

    /** The trail as JSON Lines, oldest first, each entry with its chain position and hashes. */
    @GetMapping(path = "/api/v1/audit/export", produces = "application/jsonl")
    void exportTrail(
            @RequestParam(required = false) @Nullable Instant from,
            @RequestParam(required = false) @Nullable Instant to,
            HttpServletResponse response,
            Authentication caller)
            throws IOException {
        if (readableOwners.of(caller).isPresent()) {
            // the export is the whole chain, every owner's entries, so that anyone can recheck it
            throw new ResponseStatusException(
                    HttpStatus.FORBIDDEN,
                    "The export holds every owner's entries; your bindings reach only some owners. Ask someone whose"
                            + " AUDITOR or ADMIN binding reaches every owner.");
        }
        response.setContentType("application/jsonl");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setHeader("Content-Disposition", "attachment; filename=\"keybridge-audit.jsonl\"");
        trail.export(response.getWriter(), from, to);
        response.flushBuffer();
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
            @RequestParam(defaultValue = "50") int size,
            Authentication caller) {
        AuditQuery query = new AuditQuery(keyId, actor, action, from, to);
        // a person whose bindings reach some owners reads the entries about those owners' keys only
        AuditQuery reachable =
                readableOwners.of(caller).map(query::withinOwners).orElse(query);
        return audit.search(reachable, new PageRequest(page, size));
    }
}
