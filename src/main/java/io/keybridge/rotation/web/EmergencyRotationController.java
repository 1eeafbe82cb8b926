package io.keybridge.rotation.web;

import io.keybridge.rotation.EmergencyRotations;
import io.keybridge.rotation.EmergencyRun;
import io.keybridge.rotation.KeySelector;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import tools.jackson.databind.json.JsonMapper;

/** Bulk emergency rotation: contain many keys at once, then re-issue them, with progress. */
@RestController
@RequestMapping(path = "/api/v1/emergency-rotations", produces = MediaType.APPLICATION_JSON_VALUE)
class EmergencyRotationController {

    private final EmergencyRotations emergencies;
    private final JsonMapper json;

    EmergencyRotationController(EmergencyRotations emergencies, JsonMapper json) {
        this.emergencies = emergencies;
        this.json = json;
    }

    /** A dry run lists what would be rotated ({@code 200}); a run answers {@code 202} once every key is contained. */
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @ApiResponse(responseCode = "202", description = "every selected key already stopped verifying; re-issue runs")
    @ApiResponse(responseCode = "200", description = "dry run: the keys that would be rotated")
    ResponseEntity<?> start(@Valid @RequestBody EmergencyRunRequest request, Authentication caller) {
        KeySelector requested = request.selector().toSelector();
        // an owner-scoped responder's run takes only the keys their bindings reach, and the dry run shows just those
        KeySelector selector = requested.reachableBy(caller);
        if (Boolean.TRUE.equals(request.dryRun())) {
            List<DryRunKey> keys = emergencies.select(selector).stream()
                    .map(key -> new DryRunKey(
                            key.id(), key.name(), key.owner(), key.environment().label()))
                    .toList();
            return ResponseEntity.ok(new DryRun(true, keys.size(), keys));
        }
        EmergencyRun run = emergencies.start(
                selector, json.writeValueAsString(request.selector()), request.reason(), caller.getName());
        return ResponseEntity.accepted()
                .location(URI.create("/api/v1/emergency-rotations/" + run.id()))
                .body(RunResponse.of(run));
    }

    @GetMapping("/{runId}")
    RunResponse progress(@PathVariable UUID runId) {
        return emergencies
                .find(runId)
                .map(RunResponse::of)
                .orElseThrow(() -> new ResponseStatusException(
                        org.springframework.http.HttpStatus.NOT_FOUND, "no emergency run " + runId));
    }

    record EmergencyRunRequest(
            @NotNull @Valid SelectorRequest selector,

            @NotBlank @Size(max = 400) @Pattern(regexp = "[^\\p{Cntrl}]*")
            String reason,

            @Nullable Boolean dryRun) {}

    /** At least one criterion; a key must match all given. */
    record SelectorRequest(
            @Nullable String owner,
            @Nullable String scope,
            @Nullable String environment,
            @Nullable String destinationPrefix,
            @Nullable Instant createdBefore,
            @Nullable @Size(max = 10_000) List<UUID> keyIds) {

        KeySelector toSelector() {
            return new KeySelector(owner, scope, environment, destinationPrefix, createdBefore, keyIds);
        }
    }

    record DryRunKey(UUID id, String name, String owner, String environment) {}

    record DryRun(boolean dryRun, int total, List<DryRunKey> keys) {}

    record RunResponse(
            UUID id,
            String actor,
            String reason,
            EmergencyRun.State state,
            int total,
            long revoked,
            long delivered,
            long failed,
            Instant startedAt,
            @Nullable Instant containedAt,
            @Nullable Instant finishedAt,
            List<EmergencyRun.Item> keys) {

        static RunResponse of(EmergencyRun run) {
            return new RunResponse(
                    run.id(),
                    run.actor(),
                    run.reason(),
                    run.state(),
                    run.total(),
                    run.revoked(),
                    run.delivered(),
                    run.failed(),
                    run.startedAt(),
                    run.containedAt(),
                    run.finishedAt(),
                    run.keys());
        }
    }
}
