package io.keybridge.lifecycle.web;

import io.keybridge.keys.Environment;
import io.keybridge.lifecycle.NewKey;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Body of {@code POST /api/v1/keys}. */
record CreateKeyRequest(
        @NotBlank @Size(max = 100) @Pattern(regexp = Patterns.NAME, message = Patterns.NAME_MESSAGE)
        String name,

        @NotNull Environment environment,
        @NotEmpty @Size(max = 20) List<@NotBlank @Size(max = 64) String> scopes,

        @NotBlank @Size(max = 100) @Pattern(regexp = Patterns.OWNER, message = Patterns.OWNER_MESSAGE)
        String owner,

        @Nullable @Size(max = 500) @Pattern(regexp = Patterns.TEXT, message = Patterns.TEXT_MESSAGE)
        String description,

        @Nullable Instant expiresAt,
        @Nullable @Size(max = 64) String rotationPolicy,
        @NotEmpty @Size(max = 10) List<@NotNull @Valid DestinationRequest> destinations) {

    NewKey toNewKey() {
        return new NewKey(
                name,
                environment,
                new LinkedHashSet<>(scopes),
                owner,
                description,
                expiresAt,
                rotationPolicy,
                destinations.stream()
                        .map(destination -> new NewKey.Target(destination.type(), destination.location()))
                        .toList());
    }

    /**
     * A destination: {@code {"type": "vault", "path": "crm-sync/api-key"}} or
     * {@code {"type": "aws", "secretId": "crm-sync/api-key"}} ({@code path} is accepted for both).
     */
    record DestinationRequest(
            @NotBlank String type,
            @Nullable @Size(min = 1, max = 512) String path,
            @Nullable @Size(min = 1, max = 512) String secretId) {

        String location() {
            if ((path == null) == (secretId == null)) {
                throw new io.keybridge.destination.InvalidDestinationException(
                        "destination-path", "a destination needs exactly one of path (Vault) or secretId (AWS)");
            }
            return path != null ? path : secretId;
        }
    }
}
