package io.keybridge.findings.web;

import io.keybridge.audit.ReadableOwners;
import io.keybridge.findings.Finding;
import io.keybridge.findings.FindingAccess;
import io.keybridge.findings.FindingKind;
import io.keybridge.findings.FindingQuery;
import io.keybridge.findings.FindingStatus;
import io.keybridge.findings.Findings;
import io.keybridge.findings.Severity;
import io.keybridge.paging.Page;
import io.keybridge.paging.PageRequest;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Lists findings, and moves them along their life: acknowledged, resolved. */
@RestController
class FindingController {

    private final Findings findings;
    private final FindingAccess access;
    private final ReadableOwners reach;

    FindingController(Findings findings, FindingAccess access, ReadableOwners reach) {
        this.findings = findings;
        this.access = access;
        this.reach = reach;
    }

    /**
     * @param keyId findings about this key
     * @param kind findings of this kind
     * @param severity findings of this severity or higher
     * @param since findings raised at or after this instant
     * @param status findings in these states (any of OPEN, ACKNOWLEDGED, RESOLVED; all if none is given)
     * @param owner findings about keys of this owner
     */
    @GetMapping(path = "/api/v1/findings", produces = MediaType.APPLICATION_JSON_VALUE)
    Page<Finding> search(
            @RequestParam(required = false) @Nullable UUID keyId,
            @RequestParam(required = false) @Nullable FindingKind kind,
            @RequestParam(required = false) @Nullable Severity severity,
            @RequestParam(required = false) @Nullable Instant since,
            @RequestParam(required = false) @Nullable List<FindingStatus> status,
            @RequestParam(required = false) @Nullable String owner,
            @RequestParam(defaultValue = "0") int page,
            @RequestParam(defaultValue = "50") int size,
            Authentication caller) {
        FindingQuery query = new FindingQuery(
                keyId,
                kind,
                severity,
                since,
                status == null ? Set.of() : Set.copyOf(status),
                owner == null || owner.isBlank() ? null : owner.strip(),
                null,
                false);
        // a person whose bindings reach some owners reads the findings about those owners' keys only
        FindingQuery reachable = reach.of(caller).map(query::withinOwners).orElse(query);
        return findings.search(reachable, new PageRequest(page, size));
    }

    @GetMapping(path = "/api/v1/findings/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    @ApiResponse(responseCode = "404", description = "no such finding, or about a key out of the caller's reach")
    Finding find(@PathVariable UUID id, Authentication caller) {
        return access.readable(id, caller);
    }

    /** {@code OPEN → ACKNOWLEDGED}: someone has it in hand; the note says what they are doing. */
    @PostMapping(
            path = "/api/v1/findings/{id}/acknowledge",
            consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    @ApiResponse(responseCode = "409", description = "acknowledged or resolved already")
    Finding acknowledge(@PathVariable UUID id, @Valid @RequestBody AcknowledgeRequest request, Authentication caller) {
        access.actionable(id, caller, "finding.acknowledge");
        return findings.acknowledge(id, caller.getName(), request.note().strip());
    }

    /** {@code OPEN or ACKNOWLEDGED → RESOLVED}, with the reason. A resolved finding stays resolved. */
    @PostMapping(
            path = "/api/v1/findings/{id}/resolve",
            consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    @ApiResponse(responseCode = "409", description = "resolved already")
    Finding resolve(@PathVariable UUID id, @Valid @RequestBody ResolveRequest request, Authentication caller) {
        access.actionable(id, caller, "finding.resolve");
        return findings.resolve(id, caller.getName(), request.reason().strip());
    }

    /** Body of {@code POST /api/v1/findings/{id}/acknowledge}. */
    record AcknowledgeRequest(
            @NotBlank
            @Size(max = 500)
            @Pattern(regexp = "[^\\p{Cntrl}]*", message = "must not contain control characters")
            String note) {}

    /** Body of {@code POST /api/v1/findings/{id}/resolve}. */
    record ResolveRequest(
            @NotBlank
            @Size(max = 500)
            @Pattern(regexp = "[^\\p{Cntrl}]*", message = "must not contain control characters")
            String reason) {}
}
