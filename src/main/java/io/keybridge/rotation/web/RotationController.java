package io.keybridge.rotation.web;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.keybridge.lifecycle.KeyCatalog;
import io.keybridge.rotation.Containment;
import io.keybridge.rotation.Pickup;
import io.keybridge.rotation.Rotation;
import io.keybridge.rotation.RotationCoordinator;
import io.keybridge.rotation.RotationPickup;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Rotate a key now, contain a leak, read a key's rotation history. */
@RestController
@RequestMapping(path = "/api/v1/keys/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
class RotationController {

    private final RotationCoordinator coordinator;
    private final Containment containment;
    private final KeyCatalog catalog;
    private final RotationPickup pickup;

    RotationController(
            RotationCoordinator coordinator, Containment containment, KeyCatalog catalog, RotationPickup pickup) {
        this.coordinator = coordinator;
        this.containment = containment;
        this.catalog = catalog;
        this.pickup = pickup;
    }

    /**
     * Rotates now. Answers once the new version is confirmed everywhere: {@code 202}, as the old version stays valid
     * until the overlap ends.
     */
    @PostMapping(path = "/rotate")
    @ApiResponse(responseCode = "202", description = "new version confirmed; the old one verifies until retireAt")
    @ApiResponse(responseCode = "409", description = "the key is being rotated, or is not ACTIVE")
    @ApiResponse(responseCode = "502", description = "delivery failed: the old version still verifies; retry scheduled")
    ResponseEntity<RotationResponse> rotate(
            @PathVariable UUID id,
            @Valid @RequestBody(required = false) @Nullable RotateRequest request,
            Authentication caller) {
        Duration overlap = request == null ? null : request.overlap();
        Rotation rotation = coordinator.rotate(id, caller.getName(), overlap);
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(RotationResponse.of(rotation, catalog));
    }

    /**
     * Contains a leak: with no grace, every current version stops verifying before this answers; then a new version
     * is delivered.
     */
    @PostMapping(path = "/emergency-rotate", consumes = MediaType.APPLICATION_JSON_VALUE)
    @ApiResponse(responseCode = "200", description = "old versions revoked (oldRevokedAt), new one confirmed")
    @ApiResponse(responseCode = "502", description = "old versions revoked, but the new one could not be delivered")
    RotationResponse emergencyRotate(
            @PathVariable UUID id, @Valid @RequestBody EmergencyRotateRequest request, Authentication caller) {
        String reason = request.incident() == null
                ? request.reason()
                : request.reason() + " (incident " + request.incident() + ")";
        Duration grace = request.grace() == null ? Duration.ZERO : request.grace();
        return RotationResponse.of(containment.emergencyRotate(id, caller.getName(), reason, grace), catalog);
    }

    /** The key's rotations, newest first. */
    @GetMapping("/rotations")
    List<RotationResponse> history(@PathVariable UUID id) {
        return coordinator.history(id).stream()
                .map(rotation -> RotationResponse.of(rotation, catalog))
                .toList();
    }

    /**
     * One rotation, with who has picked its new version up: each client address seen presenting the key within the
     * policy's {@code drainQuiet} (else 15 minutes) and the version it presented last.
     */
    @GetMapping("/rotations/{rotationId}")
    @ApiResponse(responseCode = "404", description = "no such key, or the key has no such rotation")
    RotationDetailResponse rotation(@PathVariable UUID id, @PathVariable UUID rotationId) {
        Rotation rotation = coordinator.rotation(id, rotationId);
        return new RotationDetailResponse(
                RotationResponse.of(rotation, catalog), pickup.of(rotation).orElse(null));
    }

    /** A rotation as listed, and its pickup (null for a rotation that made no new version). */
    record RotationDetailResponse(
            @JsonUnwrapped RotationResponse rotation,
            @Nullable Pickup pickup) {}

    /** Optional body of a manual rotation: the overlap, if not the policy's (ISO-8601, e.g. PT2H). */
    record RotateRequest(@Nullable Duration overlap) {}

    /** Body of an emergency rotation: why (required), the incident, and an optional grace period (default none). */
    record EmergencyRotateRequest(
            @NotBlank @Size(max = 400) @Pattern(regexp = "[^\\p{Cntrl}]*")
            String reason,

            @Nullable @Size(max = 64) @Pattern(regexp = "[^\\p{Cntrl}]*")
            String incident,

            @Nullable Duration grace) {}
}
