package io.keybridge.lifecycle.web;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** Body of {@code PATCH /api/v1/keys/{id}}. */
record RenameKeyRequest(
        @NotBlank @Size(max = 100) @Pattern(regexp = Patterns.NAME, message = Patterns.NAME_MESSAGE)
        String name) {}
