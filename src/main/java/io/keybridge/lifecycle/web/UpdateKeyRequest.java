package io.keybridge.lifecycle.web;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;

/** Body of {@code PATCH /api/v1/keys/{id}}: a new name, a new rotation policy, or both. */
record UpdateKeyRequest(
        @Nullable @Size(min = 1, max = 100) @Pattern(regexp = Patterns.NAME, message = Patterns.NAME_MESSAGE)
        String name,

        @Nullable @Size(min = 1, max = 64) String rotationPolicy) {

    @AssertTrue(message = "give name, rotationPolicy or both")
    boolean isSomethingToChange() {
        return name != null || rotationPolicy != null;
    }
}
