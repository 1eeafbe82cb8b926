package io.keybridge.delivery.vault;

import io.keybridge.delivery.DestinationException;
import io.keybridge.delivery.Intent;
import io.keybridge.delivery.InvalidDestinationException;
import io.keybridge.delivery.PathNotManagedException;
import io.keybridge.delivery.SecretDestination;
import io.keybridge.delivery.SecretPayload;
import io.keybridge.delivery.VersionNotHeldException;
import io.keybridge.keys.KeyMaterial;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpMethod;
import org.springframework.stereotype.Component;
import org.springframework.vault.VaultException;
import org.springframework.vault.core.VaultTemplate;
import org.springframework.vault.core.VaultVersionedKeyValueOperations;
import org.springframework.vault.support.VaultResponse;
import org.springframework.vault.support.Versioned;
import org.springframework.web.client.RestClientResponseException;

/**
 * Delivers keys into a Vault KV version 2 mount, under keybridge's root folder.
 *
 * <p>Writes use check-and-set with the version keybridge wrote last (or read, when its record is stale), so keybridge
 * never overwrites a write it did not plan, and a rotation is one call whose answer confirms it. Every read is of the
 * path's <em>metadata</em>: keybridge's own Vault policy grants no read on secret data.
 */
@Component
class VaultKvDestination implements SecretDestination {

    private static final Logger log = LoggerFactory.getLogger(VaultKvDestination.class);

    static final String TYPE = "vault";
    private static final Pattern VERSION_NUMBER = Pattern.compile("[1-9][0-9]{0,8}");
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final int MAX_PATH_LENGTH = 512;
    private static final int MAX_SEGMENTS = 16;
    /** A path no key uses (keys' paths start with a letter or digit), read by the health probe. */
    private static final String PROBE_PATH = ".keybridge-health-probe";
    /**
     * How far Vault's clock may be behind keybridge's when the clean-up compares a secret's creation with a version's
     * ({@link #createdBy}): a secret someone else created this long before the version is never taken for its write.
     */
    static final Duration CLOCK_SKEW = Duration.ofSeconds(30);

    private final VaultTemplate vault;
    /** Spring Vault's KV v2 operations on the mount, for deleting and destroying versions and secrets. */
    private final VaultVersionedKeyValueOperations kv;

    private final String login;
    private final String mount;
    private final String root;

    VaultKvDestination(VaultTemplate vault, VaultProperties properties) {
        this.vault = vault;
        this.login = login(properties);
        this.mount = trimSlashes(properties.mount());
        this.root = trimSlashes(properties.root());
        if (mount.isEmpty() || root.isEmpty()) {
            throw new IllegalStateException("keybridge.vault.mount and keybridge.vault.root must not be empty");
        }
        this.kv = vault.opsForVersionedKeyValue(mount);
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String displayName() {
        return "Vault / OpenBao KV v2";
    }

    @Override
    public String readCommand(String ref) {
        return "vault kv get -field=api_key " + ref;
    }

    @Override
    public String refFor(String path) {
        validate(path);
        return mount + "/" + root + "/" + path;
    }

    @Override
    public String probe() {
        readMetadata(PROBE_PATH); // absent is fine: the answer proves Vault is up and keybridge's token is accepted
        return "read metadata at " + mount + "/metadata/" + root + "/" + PROBE_PATH + " (" + login + ")";
    }

    /** How keybridge logs in to Vault, for the health and the start-up line: the method and role, never a secret. */
    static String login(VaultProperties properties) {
        return switch (properties.authentication()) {
            case TOKEN ->
                properties.tokenFile() == null || properties.tokenFile().isBlank()
                        ? "token"
                        : "token from " + properties.tokenFile();
            case APPROLE -> "approle login at auth/" + properties.appRole().path();
            case KUBERNETES ->
                "kubernetes login, role " + properties.kubernetes().role() + ", at auth/"
                        + properties.kubernetes().path();
            case JWT ->
                "jwt login, role " + properties.jwt().role() + ", at auth/"
                        + properties.jwt().path();
            case CERT ->
                "cert login"
                        + (properties.cert().role() == null
                                ? ""
                                : ", role " + properties.cert().role()) + ", at auth/"
                        + properties.cert().path();
        };
    }

    /** Asks Vault which capabilities keybridge's token has on the secret's data and metadata paths. */
    @Override
    public void preflight(String path) {
        String data = dataPath(path);
        String metadata = metadataPath(path);
        VaultResponse response = call(
                path,
                "check capabilities",
                false,
                () -> vault.write("sys/capabilities-self", Map.of("paths", List.of(data, metadata))));
        Map<String, Object> granted = response == null || response.getData() == null ? Map.of() : response.getData();
        List<String> missing = new ArrayList<>();
        if (!allows(granted.get(data), "update")) {
            missing.add("update on " + data);
        }
        if (!allows(granted.get(metadata), "read")) {
            missing.add("read on " + metadata);
        }
        if (!missing.isEmpty()) {
            throw new DestinationException(
                    refFor(path),
                    "keybridge's Vault token lacks " + String.join(" and ", missing)
                            + ": the next rotation would fail (see policies/vault/keybridge.hcl)");
        }
    }

    private static boolean allows(@Nullable Object capabilities, String needed) {
        if (!(capabilities instanceof List<?> list) || list.contains("deny")) {
            return false;
        }
        return list.contains(needed) || list.contains("root");
    }

    @Override
    public Intent prepare(String path, SecretPayload payload) {
        Map<String, Object> metadata = readMetadata(path);
        if (metadata == null) {
            return new Intent("1", true);
        }
        Map<String, Object> custom = stringMap(metadata.get("custom_metadata"));
        if (!"keybridge".equals(custom.get("managed_by"))) {
            throw new PathNotManagedException(
                    refFor(path),
                    "the path already holds a secret that keybridge does not manage; choose another path");
        }
        int current = number(metadata.get("current_version"));
        boolean metadataCurrent = payload.keyId().toString().equals(custom.get("key_id"))
                && payload.owner().equals(custom.get("owner"));
        return new Intent(String.valueOf(current + 1), current == 0, metadataCurrent);
    }

    /**
     * The next version after the highest keybridge recorded here, written with check-and-set on that number, so that a
     * write that would overwrite something unplanned is refused and the delivery reads the metadata ({@link #prepare}).
     * The secret's metadata was written at the key's first delivery, so it names the key already.
     *
     * <p>A first delivery is planned without reading: version 1, written with {@code cas=0}, which Vault refuses,
     * writing nothing, if the path holds any version. A refusal costs the metadata read that {@link #prepare} would
     * have made first (the path is someone else's, or keybridge's from an earlier key). Should the process stop
     * between recording the plan and hearing the write's answer, the clean-up checks that the secret it would remove
     * is this write's ({@link #remove}).
     */
    @Override
    public Intent planFromRecord(String path, SecretPayload payload, Collection<String> recorded) {
        OptionalInt last = recorded.stream()
                .filter(version -> VERSION_NUMBER.matcher(version).matches())
                .mapToInt(Integer::parseInt)
                .max();
        return last.isEmpty()
                ? new Intent("1", true, false)
                : new Intent(String.valueOf(last.getAsInt() + 1), false, true);
    }

    /** Vault answers a check-and-set write with the version it created: the planned one, or the write fails. */
    @Override
    public boolean writeConfirms() {
        return true;
    }

    @Override
    public Intent write(String path, Intent intent, SecretPayload payload, KeyMaterial material) {
        int version = Integer.parseInt(intent.remoteVersion());
        byte[] body = KvWriteBody.of(version - 1, payload, material);
        VaultResponse response;
        try {
            response = call(
                    path,
                    "write",
                    true,
                    () -> vault.doWithSession(rest -> rest.exchange(
                                    dataPath(path),
                                    HttpMethod.POST,
                                    new HttpEntity<>(body, KvWriteBody.HEADERS),
                                    VaultResponse.class)
                            .getBody()));
        } finally {
            Arrays.fill(body, (byte) 0); // the one copy of the key that keybridge owns in this request
        }
        int written = response == null || response.getData() == null
                ? -1
                : number(response.getData().get("version"));
        if (written != version) {
            throw new DestinationException(
                    refFor(path), "Vault wrote version " + written + " where keybridge planned version " + version);
        }
        if (intent.metadataCurrent()) {
            return intent; // a rotation of the same key: the secret's metadata already name it
        }
        Map<String, Object> custom = Map.of(
                "custom_metadata",
                Map.of("key_id", payload.keyId().toString(), "owner", payload.owner(), "managed_by", "keybridge"));
        call(path, "write metadata", false, () -> vault.write(metadataPath(path), custom));
        return intent;
    }

    @Override
    public void confirm(String path, Intent intent, SecretPayload payload) {
        Map<String, Object> metadata = readMetadata(path);
        if (metadata == null) {
            throw new VersionNotHeldException(refFor(path), "the secret is missing from Vault");
        }
        int current = number(metadata.get("current_version"));
        if (!intent.remoteVersion().equals(String.valueOf(current))) {
            throw new VersionNotHeldException(
                    refFor(path),
                    "Vault's current version is " + current + ", not the written version " + intent.remoteVersion());
        }
        Map<String, Object> version =
                stringMap(stringMap(metadata.get("versions")).get(intent.remoteVersion()));
        if (Boolean.TRUE.equals(version.get("destroyed")) || hasText(version.get("deletion_time"))) {
            throw new VersionNotHeldException(refFor(path), "version " + current + " was deleted at Vault");
        }
        Object keyId = stringMap(metadata.get("custom_metadata")).get("key_id");
        if (!payload.keyId().toString().equals(keyId)) {
            throw new VersionNotHeldException(refFor(path), "the secret's metadata names another key: " + keyId);
        }
    }

    @Override
    public void remove(String path, Intent intent, Removal removal, WrittenVersion written) {
        if (removal == Removal.DISCARD && intent.createsPath()) {
            if (createdBy(path, written)) {
                // keybridge created the secret for this key alone: remove it with all its versions and metadata
                call(path, "delete", false, () -> {
                    kv.opsForKeyValueMetadata().delete(secretPath(path));
                    return null;
                });
            }
            return;
        }
        Versioned.Version version = Versioned.Version.from(Integer.parseInt(intent.remoteVersion()));
        if (removal == Removal.SOFT_DELETE_VERSION) {
            call(path, "delete", false, () -> {
                kv.delete(secretPath(path), version);
                return null;
            });
            return;
        }
        call(path, "destroy", false, () -> {
            kv.destroy(secretPath(path), version);
            return null;
        });
    }

    /**
     * Whether the secret at the path is the one this version's first write created, so that discarding the version
     * may remove the secret whole. The write was planned with {@code cas=0} and its outcome may be unknown (a lost
     * answer, a process stopped): the path may hold nothing, the secret it created, or one that was there before and
     * refused the write. It is the write's when the metadata name the key, or, when the process stopped between the
     * data write and the metadata write, when the secret has only version 1, carries no keybridge mark and was created
     * after the version (allowing {@link #CLOCK_SKEW} between keybridge's clock and Vault's). Anything else is left.
     */
    private boolean createdBy(String path, WrittenVersion version) {
        Map<String, Object> metadata = readMetadata(path);
        if (metadata == null) {
            return false; // nothing there: the write never landed, or the secret is gone already
        }
        Map<String, Object> custom = stringMap(metadata.get("custom_metadata"));
        boolean marked = custom.containsKey("managed_by") || custom.containsKey("key_id");
        if (marked
                ? "keybridge".equals(custom.get("managed_by"))
                        && version.keyId().toString().equals(custom.get("key_id"))
                : onlyVersionOneCreatedSince(metadata, version.createdAt().minus(CLOCK_SKEW))) {
            return true;
        }
        log.warn(
                "left the secret at {} in place: it is not the one key {}'s first delivery would have created ({})",
                ref(path),
                version.keyId(),
                marked
                        ? "its metadata name another owner"
                        : "it holds other versions, or was there before the key's version was created");
        return false;
    }

    private static boolean onlyVersionOneCreatedSince(Map<String, Object> metadata, Instant since) {
        Map<String, Object> versions = stringMap(metadata.get("versions"));
        Object created = stringMap(versions.get("1")).get("created_time");
        try {
            return versions.keySet().equals(Set.of("1"))
                    && created instanceof String text
                    && !Instant.parse(text).isBefore(since);
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    /**
     * The secret's metadata, read raw: Spring Vault's {@code VaultMetadataResponse} (4.0.3, against OpenBao) came back
     * without the {@code custom_metadata} that marks keybridge's secrets, and every delivery failed its confirmation;
     * so its KV operations serve the deletes only.
     */
    private @Nullable Map<String, Object> readMetadata(String path) {
        VaultResponse response = call(path, "read metadata", false, () -> vault.read(metadataPath(path)));
        return response == null ? null : response.getData();
    }

    /**
     * Runs a Vault call, turning its failures into {@link DestinationException}s.
     *
     * @param refusalMeansNothingWritten whether a 4xx answer proves the call changed nothing (true for a single write)
     */
    private <T> T call(String path, String operation, boolean refusalMeansNothingWritten, VaultCall<T> call) {
        try {
            return call.run();
        } catch (VaultException e) {
            // Spring Vault's message carries Vault's status and errors, never the request body; the status itself is
            // that of the HTTP client's exception below it
            String message = String.valueOf(e.getMessage());
            boolean refused = e.getCause() instanceof RestClientResponseException answer
                    && answer.getStatusCode().is4xxClientError();
            throw new DestinationException(
                    ref(path), "Vault " + operation + " failed: " + message, e, refusalMeansNothingWritten && refused);
        } catch (RuntimeException e) {
            // connection refused, timeout...: whether a write happened is unknown
            throw new DestinationException(ref(path), "Vault " + operation + " failed: " + describe(e), e, false);
        }
    }

    /**
     * What went wrong below Spring's wrapper, without anything of the request: the TLS problem when there is one (a
     * CA that does not match, a client certificate refused), else the exception's kind.
     */
    static String describe(Throwable e) {
        Throwable root = org.springframework.core.NestedExceptionUtils.getMostSpecificCause(e);
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof javax.net.ssl.SSLException) {
                String reason = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
                return "TLS with Vault failed (" + reason
                        + "): check VAULT_CACERT / VAULT_CAPATH, VAULT_TLS_SERVER_NAME if Vault's certificate names"
                        + " another host, and VAULT_CLIENT_CERT if Vault asks for one";
            }
        }
        return root == e
                ? e.getClass().getSimpleName()
                : e.getClass().getSimpleName() + " (" + root.getClass().getSimpleName() + ")";
    }

    /** The reference, unvalidated: errors about keybridge's own probe path must not fail on that path's rules. */
    private String ref(String path) {
        return mount + "/" + root + "/" + path;
    }

    /** The secret's path below the mount, as Spring Vault's KV operations take it. */
    private String secretPath(String path) {
        return root + "/" + path;
    }

    private String dataPath(String path) {
        return mount + "/data/" + root + "/" + path;
    }

    private String metadataPath(String path) {
        return mount + "/metadata/" + root + "/" + path;
    }

    private static void validate(String path) {
        if (path == null || path.isEmpty()) {
            throw new InvalidDestinationException("path-required", "path must not be empty");
        }
        if (path.length() > MAX_PATH_LENGTH) {
            throw new InvalidDestinationException(
                    "path-length", "path must be at most " + MAX_PATH_LENGTH + " characters");
        }
        String[] segments = path.split("/", -1);
        if (segments.length > MAX_SEGMENTS) {
            throw new InvalidDestinationException("path-depth", "path must have at most " + MAX_SEGMENTS + " segments");
        }
        for (String segment : segments) {
            if (!SEGMENT.matcher(segment).matches()) {
                throw new InvalidDestinationException(
                        "path-segment",
                        "path segments must be non-empty, start with a letter or digit and contain only letters, "
                                + "digits, '.', '_' and '-' (no '..', no leading or trailing '/')");
            }
        }
    }

    private static String trimSlashes(String value) {
        return value.replaceAll("^/+|/+$", "");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> stringMap(@Nullable Object value) {
        return value instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    }

    private static int number(@Nullable Object value) {
        return value instanceof Number number ? number.intValue() : -1;
    }

    private static boolean hasText(@Nullable Object value) {
        return value instanceof String text && !text.isBlank();
    }

    @FunctionalInterface
    private interface VaultCall<T> {
        T run();
    }
}
