package io.keybridge.lifecycle.web;

import io.keybridge.keys.AllowedSources;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Body of {@code PATCH /api/v1/keys/{id}}: a new name, a new rotation policy, a new source allow-list (an empty list
 * allows anywhere again), narrower scopes, or several.
 */
record UpdateKeyRequest(
        @Nullable @Size(min = 1, max = 100) @Pattern(regexp = Patterns.NAME, message = Patterns.NAME_MESSAGE)
        String name,

        @Nullable @Size(min = 1, max = 64) String rotationPolicy,

        @Nullable @Size(max = AllowedSources.MAX_ENTRIES) List<@NotBlank @Size(max = 64) String> allowedSources,

        @Nullable @Size(min = 1, max = 20) List<@NotBlank @Size(max = 64) String> scopes) {

    @AssertTrue(message = "give name, rotationPolicy, allowedSources, scopes or several")
    boolean isSomethingToChange() {
        return name != null || rotationPolicy != null || allowedSources != null || scopes != null;
    }
}
