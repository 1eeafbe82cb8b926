package io.keybridge.findings.web;

import io.keybridge.findings.Finding;
import io.keybridge.findings.FindingKind;
import io.keybridge.findings.Findings;
import io.keybridge.findings.Severity;
import io.keybridge.paging.Page;
import io.keybridge.paging.PageRequest;
import io.keybridge.security.Access;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Lists findings, newest first. */
@RestController
class FindingController {

    private final Findings findings;

    FindingController(Findings findings) {
        this.findings = findings;
    }

    /**
     * @param keyId findings about this key
     * @param kind findings of this kind
     * @param severity findings of this severity or higher
     * @param since findings raised at or after this instant
     */
    @GetMapping(path = "/api/v1/findings", produces = MediaType.APPLICATION_JSON_VALUE)
    Page<Finding> search(
            @RequestParam(required = false) @Nullable UUID keyId,
            @RequestParam(required = false) @Nullable FindingKind kind,
            @RequestParam(required = false) @Nullable Severity severity,
            @RequestParam(required = false) @Nullable Instant since,
            @RequestParam(defaultValue = "0") int page,
            @RequestParam(defaultValue = "50") int size,
            Authentication caller) {
        // a person whose bindings reach some owners reads the findings about those owners' keys only
        Set<String> owners = Access.of(caller).owners(Access.READ).orElse(null);
        return findings.search(keyId, kind, severity, since, owners, new PageRequest(page, size));
    }
}
