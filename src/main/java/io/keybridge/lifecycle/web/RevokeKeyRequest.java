package io.keybridge.lifecycle.web;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** Body of {@code POST /api/v1/keys/{id}/revoke} and {@code …/suspend}: why, for the audit trail. */
record RevokeKeyRequest(
        @NotBlank @Size(max = 500) @Pattern(regexp = Patterns.TEXT, message = Patterns.TEXT_MESSAGE)
        String reason) {}
