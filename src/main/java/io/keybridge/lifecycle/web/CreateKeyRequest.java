package io.keybridge.lifecycle.web;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonCreator;
import io.keybridge.delivery.DestinationFields;
import io.keybridge.delivery.InvalidDestinationException;
import io.keybridge.keys.AllowedSources;
import io.keybridge.keys.Environment;
import io.keybridge.lifecycle.InvalidKeyRequestException;
import io.keybridge.lifecycle.NewKey;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
                targets.add(new NewKey.Target(
                        destination.type(),
                        new DestinationFields(destination.fields()),
                        ConsumerRequest.profile("destinations[" + i + "].consumer", destination.consumer())));
            } catch (InvalidDestinationException e) {
                throw new InvalidKeyRequestException("destinations[" + i + "]", e.rule(), e.getMessage());
            }
        }
        return targets;
    }

    /**
     * A destination: its {@code type} and the fields that type reads, e.g. {@code {"type": "vault", "path":
     * "crm-sync/api-key"}} or {@code {"type": "aws", "secretId": "crm-sync/api-key", "region": "eu-west-1"}}. Each
     * type defines and checks its own fields ({@link io.keybridge.delivery.SecretDestination#location}): an AWS
     * destination may name a region (keybridge's default if absent), a KMS key and tags for its secret, and a role in
     * another account ({@code roleArn}, {@code externalId}) that keybridge assumes to reach it.
     */
    @Schema(
            description = "A destination: its type and that type's own fields, side by side. vault: path (a KV v2 path"
                    + " under keybridge's mount). aws: secretId (or path), and optionally region, kmsKeyId, tags"
                    + " (an object of strings), roleArn and externalId. A field the type does not have is refused.",
            additionalProperties = Schema.AdditionalPropertiesValue.TRUE,
            example = "{\"type\": \"vault\", \"path\": \"crm-sync/api-key\"}")
    public record DestinationRequest(
            @Schema(description = "a destination type the server has, e.g. vault or aws", minLength = 1)
            @NotBlank
            @Size(min = 1, max = 32)
            String type,

            @Schema(hidden = true) Map<String, @Nullable Object> fields,

            @Schema(
                    description = "how the destination's consumer reads the secret: {kind, refreshInterval?,"
                            + " restartGrace?} with kind one of vault-agent (PT5M), external-secrets (PT1H),"
                            + " csi-driver (PT2M), aws-caching-client (PT1H), aws-lambda-extension (PT5M),"
                            + " startup-only and custom (both need refreshInterval). A rotation's overlap must be at"
                            + " least 2 x refreshInterval + restartGrace",
                    example = "{\"kind\": \"vault-agent\", \"refreshInterval\": \"PT1M\"}")
            @Nullable
            Object consumer) {

        public DestinationRequest {
            fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
        }

        public DestinationRequest(String type, Map<String, @Nullable Object> fields) {
            this(type, fields, null);
        }

        /**
         * Every field but {@code type} and {@code consumer} goes to the destination's type, which refuses those it
         * does not have.
         */
        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        static DestinationRequest of(Map<String, @Nullable Object> body) {
            Map<String, @Nullable Object> fields = new LinkedHashMap<>(body);
            Object type = fields.remove("type");
            Object consumer = fields.remove("consumer");
            if (type != null && !(type instanceof String)) {
                // the message never echoes the value
                throw new IllegalArgumentException("a destination's type is text, e.g. \"vault\"");
            }
            return new DestinationRequest(type == null ? "" : (String) type, fields, consumer);
        }

        @JsonAnyGetter
        @Override
        public Map<String, @Nullable Object> fields() {
            return fields;
        }
    }
}
