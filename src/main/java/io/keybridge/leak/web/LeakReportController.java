package io.keybridge.leak.web;

import io.keybridge.audit.AuditLog;
import io.keybridge.leak.LeakReportSignature;
import io.keybridge.leak.LeakReports;
import io.keybridge.leak.LeakVerdict;
import io.keybridge.leak.ReportedToken;
import io.keybridge.web.ProblemTypes;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirements;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Receives leak reports. No bearer token: the reporter signs {@code <timestamp>.<body>} (see
 * {@link LeakReportSignature}); unsigned, stale or badly signed reports get {@code 401} and change nothing.
 */
@RestController
class LeakReportController {

    static final int MAX_ENTRIES = 100;
    private static final int MAX_TOKEN = 512;
    private static final int MAX_TEXT = 2000;

    private final LeakReportSignature signature;
    private final LeakReports reports;
    private final AuditLog audit;
    private final JsonMapper json;

    LeakReportController(LeakReportSignature signature, LeakReports reports, AuditLog audit, JsonMapper json) {
        this.signature = signature;
        this.reports = reports;
        this.audit = audit;
        this.json = json;
    }

    /**
     * A JSON array of {@code {token, type, url, source}} (at most {@value #MAX_ENTRIES}). The reply has one verdict
     * per entry, in order, and never the token.
     */
    @PostMapping(
            path = "/api/v1/leak-reports",
            consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    @SecurityRequirements // signed, not a bearer token
    @io.swagger.v3.oas.annotations.parameters.RequestBody(
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON_VALUE,
                            array = @ArraySchema(schema = @Schema(implementation = ReportedToken.class))))
    @ApiResponse(
            responseCode = "200",
            description = "one verdict per entry",
            content = @Content(array = @ArraySchema(schema = @Schema(implementation = EntryVerdict.class))))
    @ApiResponse(responseCode = "400", description = "not a JSON array of reported tokens; nothing was done")
    @ApiResponse(responseCode = "401", description = "unsigned, stale or badly signed; nothing was done")
    ResponseEntity<?> report(
            @Parameter(description = "Unix seconds when the report was signed")
                    @RequestHeader(name = "Keybridge-Timestamp", required = false)
                    @Nullable
                    String timestamp,
            @Parameter(description = "v1=<hex HMAC-SHA256> and/or sig=<base64 signature> of '<timestamp>.<body>'")
                    @RequestHeader(name = "Keybridge-Signature", required = false)
                    @Nullable
                    String signed,
            @RequestBody byte[] body) {
        LeakReportSignature.Refusal refusal = signature.check(timestamp, signed, body);
        if (refusal != null) {
            audit.recordRefusal(
                    "leak-reporter", "leak-report", null, refusal.name().toLowerCase(Locale.ROOT));
            return unauthorized(refusal);
        }
        List<ReportedToken> entries = parse(body);
        List<LeakVerdict> verdicts = reports.handle(entries);
        List<EntryVerdict> reply = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            ReportedToken entry = entries.get(i);
            reply.add(new EntryVerdict(i, entry.type(), entry.url(), entry.source(), verdicts.get(i)));
        }
        return ResponseEntity.ok(reply);
    }

    private List<ReportedToken> parse(byte[] body) {
        List<ReportedToken> entries;
        try {
            entries = json.readValue(body, new TypeReference<List<ReportedToken>>() {});
        } catch (JacksonException e) {
            // Jackson's message may quote the input, which holds tokens: never pass it on
            throw new IllegalArgumentException(
                    "the body must be a JSON array of {token, type, url, source} objects, token required");
        }
        if (entries == null || entries.isEmpty() || entries.size() > MAX_ENTRIES) {
            throw new IllegalArgumentException("a report lists 1 to " + MAX_ENTRIES + " entries");
        }
        for (int i = 0; i < entries.size(); i++) {
            ReportedToken entry = entries.get(i);
            if (entry == null || entry.token() == null || entry.token().isBlank()) {
                throw new IllegalArgumentException("entry [" + i + "] needs a token");
            }
            if (entry.token().length() > MAX_TOKEN) {
                throw new IllegalArgumentException("entry [" + i + "]: token longer than " + MAX_TOKEN + " characters");
            }
            if (tooLong(entry.type()) || tooLong(entry.url()) || tooLong(entry.source())) {
                throw new IllegalArgumentException(
                        "entry [" + i + "]: type, url and source are at most " + MAX_TEXT + " characters");
            }
        }
        return entries;
    }

    private static boolean tooLong(@Nullable String text) {
        return text != null && text.length() > MAX_TEXT;
    }

    private static ResponseEntity<ProblemDetail> unauthorized(LeakReportSignature.Refusal refusal) {
        String detail = switch (refusal) {
            case NOT_CONFIGURED ->
                "Leak reports are not enabled: set keybridge.leak-reports.secret (or secret-file) or public-key-file.";
            case UNSIGNED -> "Sign the report: Keybridge-Timestamp and Keybridge-Signature are required.";
            case STALE -> "Keybridge-Timestamp is too far from now; sign the report again.";
            case BAD_SIGNATURE -> "Keybridge-Signature does not match the report.";
        };
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.UNAUTHORIZED, detail);
        problem.setType(ProblemTypes.of("bad-signature"));
        problem.setTitle("Leak report not accepted");
        return ResponseEntity.status(HttpStatus.UNAUTHORIZED)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }

    /** What was made of one entry. */
    record EntryVerdict(
            int index,
            @Nullable String type,
            @Nullable String url,
            @Nullable String source,
            LeakVerdict verdict) {}
}
