package io.keybridge.lifecycle.web;

import io.keybridge.delivery.InvalidDestinationException;
import io.keybridge.delivery.aws.SecretLocation;
import io.keybridge.delivery.aws.SecretsManagerDestination;
import io.keybridge.keys.AllowedSources;
import io.keybridge.keys.Environment;
import io.keybridge.lifecycle.InvalidKeyRequestException;
import io.keybridge.lifecycle.NewKey;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Body of {@code POST /api/v1/keys}. */
// a named interface: the dashboard's form becomes this request, so both are checked by the same rules
@org.springframework.modulith.NamedInterface("requests")
public record CreateKeyRequest(
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
        @NotEmpty @Size(max = 10) List<@NotNull @Valid DestinationRequest> destinations,
        @Nullable @Size(max = AllowedSources.MAX_ENTRIES) List<@NotBlank @Size(max = 64) String> allowedSources) {

    public NewKey toNewKey() {
        return new NewKey(
                name,
                environment,
                new LinkedHashSet<>(scopes),
                owner,
                description,
                expiresAt,
                rotationPolicy,
                targets(),
                sources(allowedSources));
    }

    /** The allow-list, checked: an entry that is no address or CIDR block is a 400 naming it. */
    static AllowedSources sources(@Nullable List<String> allowedSources) {
        try {
            return AllowedSources.of(allowedSources);
        } catch (IllegalArgumentException e) {
            throw new InvalidKeyRequestException("allowedSources", "cidr", e.getMessage());
        }
    }

    private List<NewKey.Target> targets() {
        List<NewKey.Target> targets = new ArrayList<>();
        for (int i = 0; i < destinations.size(); i++) {
            DestinationRequest destination = destinations.get(i);
            try {
                targets.add(new NewKey.Target(destination.type(), destination.location()));
            } catch (InvalidDestinationException e) {
                throw new InvalidKeyRequestException("destinations[" + i + "]", e.rule(), e.getMessage());
            }
        }
        return targets;
    }

    /**
     * A destination: {@code {"type": "vault", "path": "crm-sync/api-key"}} or
     * {@code {"type": "aws", "secretId": "crm-sync/api-key", "region": "eu-west-1"}} ({@code path} is accepted for
     * both). An AWS destination may name a region (keybridge's default if absent), a KMS key and tags for its secret,
     * and a role in another account ({@code roleArn}, {@code externalId}) that keybridge assumes to reach it.
     */
    public record DestinationRequest(
            @NotBlank String type,
            @Nullable @Size(min = 1, max = 512) String path,
            @Nullable @Size(min = 1, max = 512) String secretId,
            @Nullable @Size(min = 1, max = 32) String region,
            @Nullable @Size(min = 1, max = 256) String kmsKeyId,
            @Nullable @Size(max = 20) Map<String, String> tags,
            @Nullable @Size(min = 20, max = 2048) String roleArn,
            @Nullable @Size(min = 2, max = 1224) String externalId) {

        String location() {
            if ((path == null) == (secretId == null)) {
                throw new InvalidDestinationException(
                        "destination-path", "a destination needs exactly one of path (Vault) or secretId (AWS)");
            }
            if (secretId != null && (secretId.indexOf('?') >= 0 || secretId.indexOf('&') >= 0)) {
                throw new InvalidDestinationException(
                        "secret-name", "a secret name has no '?' or '&' (give region, kmsKeyId and tags as fields)");
            }
            String location = path != null ? path : secretId;
            if (region == null
                    && kmsKeyId == null
                    && (tags == null || tags.isEmpty())
                    && roleArn == null
                    && externalId == null) {
                return location;
            }
            if (tags != null && tags.containsValue(null)) {
                throw new InvalidDestinationException("tags", "a tag's value is a string (empty if need be)");
            }
            if (!SecretsManagerDestination.TYPE.equals(type)) {
                throw new InvalidDestinationException(
                        "options-not-applicable",
                        "only an aws destination has a region, kmsKeyId, tags, roleArn or externalId");
            }
            if (externalId != null && roleArn == null) {
                throw new InvalidDestinationException("external-id", "externalId goes with roleArn");
            }
            return new SecretLocation(region, location, kmsKeyId, tags == null ? Map.of() : tags, roleArn, externalId)
                    .path();
        }
    }
}
