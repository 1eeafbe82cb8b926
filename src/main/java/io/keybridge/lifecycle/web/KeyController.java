package io.keybridge.lifecycle.web;

import io.keybridge.keys.Environment;
import io.keybridge.keys.KeyProperties;
import io.keybridge.keys.KeyQuery;
import io.keybridge.keys.KeyStatus;
import io.keybridge.lifecycle.InvalidKeyRequestException;
import io.keybridge.lifecycle.KeyCatalog;
import io.keybridge.lifecycle.KeyEditor;
import io.keybridge.lifecycle.KeyIssuer;
import io.keybridge.lifecycle.KeyRevoker;
import io.keybridge.lifecycle.KeySuspension;
import io.keybridge.lifecycle.NewKey;
import io.keybridge.paging.Page;
import io.keybridge.paging.PageRequest;
import io.keybridge.security.KeyAccess;
import io.keybridge.security.Role;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.validation.Valid;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Issue, list, rename and revoke keys. */
@RestController
@RequestMapping(path = "/api/v1", produces = MediaType.APPLICATION_JSON_VALUE)
class KeyController {

    private final KeyIssuer issuer;
    private final KeyEditor editor;
    private final KeyRevoker revoker;
    private final KeySuspension suspension;
    private final KeyCatalog catalog;
    private final KeyProperties properties;
    private final KeyAccess access;

    KeyController(
            KeyIssuer issuer,
            KeyEditor editor,
            KeyRevoker revoker,
            KeySuspension suspension,
            KeyCatalog catalog,
            KeyProperties properties,
            KeyAccess access) {
        this.access = access;
        this.suspension = suspension;
        this.issuer = issuer;
        this.editor = editor;
        this.revoker = revoker;
        this.catalog = catalog;
        this.properties = properties;
    }

    /** Issues a key and delivers it; the response says where it went, never what it is. */
    @PostMapping(path = "/keys", consumes = MediaType.APPLICATION_JSON_VALUE)
    @ApiResponse(responseCode = "201", description = "issued, delivered and confirmed at every destination")
    @ApiResponse(responseCode = "502", description = "a destination failed: the key was revoked, nothing verifies")
    ResponseEntity<KeyResponse> create(@Valid @RequestBody CreateKeyRequest request, Authentication caller) {
        NewKey key = request.toNewKey();
        access.requireOwner(key.owner(), caller, "key.create", Set.of(Role.ADMIN));
        UUID id = issuer.issue(key, caller.getName());
        return ResponseEntity.created(URI.create("/api/v1/keys/" + id)).body(KeyResponse.of(catalog.find(id)));
    }

    @GetMapping("/keys")
    Page<KeyResponse> list(
            @RequestParam(required = false) @Nullable String status,
            @RequestParam(required = false) @Nullable String owner,
            @RequestParam(required = false) @Nullable String scope,
            @RequestParam(required = false) @Nullable String environment,
            @RequestParam(required = false) @Nullable String q,
            @RequestParam(defaultValue = "0") int page,
            @RequestParam(defaultValue = "50") int size,
            Authentication caller) {
        if (scope != null && !properties.scopes().containsKey(scope)) {
            throw new InvalidKeyRequestException(
                    "scope", "unknown-scope", "scope must name a scope of the catalog (GET /api/v1/scopes)");
        }
        KeyQuery query = new KeyQuery(
                status == null ? null : status(status),
                owner,
                scope,
                environment == null ? null : Environment.of(environment),
                q,
                null);
        KeyQuery reachable =
                access.readableOwners(caller).map(query::withinOwners).orElse(query);
        return catalog.search(reachable, new PageRequest(page, size)).map(KeyResponse::of);
    }

    @GetMapping("/keys/{id}")
    KeyResponse get(@PathVariable UUID id) {
        return KeyResponse.of(catalog.find(id));
    }

    /** Renames a key, moves it to another rotation policy, changes where it may be presented from, narrows its scopes. */
    @PatchMapping(
            path = "/keys/{id}",
            consumes = {MediaType.APPLICATION_JSON_VALUE, "application/merge-patch+json"})
    KeyResponse update(@PathVariable UUID id, @Valid @RequestBody UpdateKeyRequest request, Authentication caller) {
        // every field is parsed before anything is changed, then all are applied in one transaction
        editor.update(
                id,
                new KeyEditor.KeyChanges(
                        request.name(),
                        request.rotationPolicy(),
                        request.scopes() == null ? null : new java.util.LinkedHashSet<>(request.scopes()),
                        request.allowedSources() == null ? null : CreateKeyRequest.sources(request.allowedSources())),
                caller.getName());
        return KeyResponse.of(catalog.find(id));
    }

    /** Revokes a key at once and for good, then destroys its versions at the destinations. */
    @PostMapping(path = "/keys/{id}/revoke", consumes = MediaType.APPLICATION_JSON_VALUE)
    KeyResponse revoke(@PathVariable UUID id, @Valid @RequestBody RevokeKeyRequest request, Authentication caller) {
        revoker.revoke(id, request.reason(), caller.getName());
        return KeyResponse.of(catalog.find(id));
    }

    /** Suspends a key: no version verifies until an ADMIN resumes it; nothing changes at the destinations. */
    @PostMapping(path = "/keys/{id}/suspend", consumes = MediaType.APPLICATION_JSON_VALUE)
    @ApiResponse(responseCode = "200", description = "suspended (or already was)")
    @ApiResponse(responseCode = "409", description = "the key is neither ACTIVE nor SUSPENDED")
    KeyResponse suspend(@PathVariable UUID id, @Valid @RequestBody RevokeKeyRequest request, Authentication caller) {
        suspension.suspend(id, request.reason(), caller.getName());
        return KeyResponse.of(catalog.find(id));
    }

    /** Resumes a suspended key: the versions consumers hold verify again at once. */
    @PostMapping(path = "/keys/{id}/resume")
    @ApiResponse(responseCode = "200", description = "active again (or already was)")
    @ApiResponse(responseCode = "409", description = "the key is neither SUSPENDED nor ACTIVE")
    KeyResponse resume(@PathVariable UUID id, Authentication caller) {
        suspension.resume(id, caller.getName());
        return KeyResponse.of(catalog.find(id));
    }

    /** The scopes a key may be given. */
    @GetMapping("/scopes")
    List<Scope> scopes() {
        return properties.scopes().entrySet().stream()
                .map(entry -> new Scope(entry.getKey(), entry.getValue()))
                .toList();
    }

    private static KeyStatus status(String value) {
        try {
            return KeyStatus.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("status must be one of pending, active, suspended, revoked");
        }
    }

    record Scope(String name, String description) {}
}
