package io.keybridge.delivery;

import io.keybridge.keys.KeyMaterial;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A secret store keybridge delivers keys into (Vault KV v2, AWS Secrets Manager): everything keybridge needs to know
 * of one lives in its own package behind this interface, from the request fields that name a secret there to the
 * command that reads it. A new store is a Spring bean implementing it; the API, the dashboard's create form and the CLI
 * ({@code --destination TYPE:PATH}) offer it with no change elsewhere.
 *
 * <p>A delivery plans ({@link #planFromRecord}, or {@link #prepare} when the record cannot tell), then runs {@link
 * #write}, then {@link #confirm} unless the write's answer confirmed it ({@link #writeConfirms}); the caller records
 * the result of each step before the next, so every step must be safe to repeat. Implementations are thread-safe and
 * never put key material into an exception, a log line or a return value.
 */
public interface SecretDestination {

    /** The type clients name in requests, e.g. {@code vault}. */
    String type();

    /** What people call the store, e.g. {@code AWS Secrets Manager}: the dashboard's list of types. */
    default String displayName() {
        return type();
    }

    /**
     * Reads a destination of this type from the fields a request gave (all but {@code type}) and returns its location
     * as keybridge records it, which {@link #refFor} then checks. The default reads {@code path} alone.
     *
     * @throws InvalidDestinationException naming the field at fault: unknown, missing, too long, or not applicable
     */
    default String location(DestinationFields fields) {
        fields.onlyThese(type(), List.of("path"));
        String path = fields.text("path", 512);
        if (path == null) {
            throw new InvalidDestinationException("path-required", "a " + type() + " destination needs a path");
        }
        return path;
    }

    /** The fields besides {@code path} that the dashboard's create form offers for this type (AWS: the region). */
    default List<FormField> formFields() {
        return List.of();
    }

    /**
     * The shortest interval between two rotations this destination supports: a rotation policy that would rotate a
     * key faster is refused for keys delivered here.
     */
    default Duration minimumRotationInterval() {
        return Duration.ZERO;
    }

    /**
     * The command a consumer (or an operator checking on one) runs to read the key at this reference, as the
     * dashboard shows it: never the key itself.
     *
     * @param ref what {@link #refFor} returned
     */
    String readCommand(String ref);

    /**
     * Validates a client-given path and returns the full reference a consumer reads.
     *
     * @throws InvalidDestinationException naming the rule the path breaks
     */
    String refFor(String path);

    /**
     * Reads the destination (never writes) to work out what writing this key version will do.
     *
     * @throws DestinationException if the destination cannot be read, or holds a secret keybridge must not overwrite
     */
    Intent prepare(String path, SecretPayload payload);

    /**
     * Plans a write from keybridge's own record of this secret, without calling the store: the common path, since
     * what keybridge wrote here last tells a store that numbers versions in sequence what the next one is. A stale
     * record (someone else wrote, the secret was removed or re-created) costs nothing but one refused write: the store
     * refuses it with nothing written ({@link DestinationException#nothingWritten()}), and the delivery plans again
     * with {@link #prepare}.
     *
     * @param recorded the store versions keybridge planned or wrote at this destination for this key, in no order;
     *     empty for the key's first delivery here
     * @return the plan, or null when only reading the store can tell (the default)
     */
    default @Nullable Intent planFromRecord(String path, SecretPayload payload, Collection<String> recorded) {
        return null;
    }

    /**
     * Whether a successful {@link #write} has confirmed, from the store's own answer, that consumers now read the
     * written version (Vault: a check-and-set write that created exactly the planned version), so that a delivery need
     * not call {@link #confirm}. Recovery after a crash still confirms: the answer went with the process.
     */
    default boolean writeConfirms() {
        return false;
    }

    /**
     * Writes the key version as planned by {@code intent}. Fails rather than overwrite anything unplanned.
     *
     * @return the intent as written: {@code intent} itself when the store's version was planned (Vault's CAS number,
     *     AWS's request token), or, for a store that numbers versions itself ({@link Intent#assignedByStore}), with
     *     the version the store's answer named ({@link Intent#written}), which keybridge records next
     * @throws DestinationException if the destination refused the write or did something else than planned
     */
    Intent write(String path, Intent intent, SecretPayload payload, KeyMaterial material);

    /**
     * Confirms, from the destination's metadata alone, that consumers now read the written version.
     *
     * @throws VersionNotHeldException if the destination answered that the version is not (or no longer) what
     *     consumers read
     * @throws DestinationException if the destination could not be asked
     */
    void confirm(String path, Intent intent, SecretPayload payload);

    /**
     * Removes a written version so its material is gone from the destination. Removing what is not there succeeds.
     *
     * @param removal whether to keep the secret's history ({@link Removal#DESTROY_VERSION}, after a revocation) or,
     *     for a version that was never published, to remove the secret whole if this delivery created it
     * @param version the version whose write this removal takes back, for a store that must check that a secret it
     *     would remove whole is that write's (Vault, whose first delivery is planned without reading the path)
     * @throws DestinationException if the destination refused
     */
    void remove(String path, Intent intent, Removal removal, WrittenVersion version);

    /**
     * The key version a removal takes back.
     *
     * @param keyId the key the version belongs to, as the secret's metadata name it once the write is complete
     * @param createdAt when keybridge created the version, before it planned any write of it: a secret the store
     *     created well before this instant is not the version's write
     */
    record WrittenVersion(UUID keyId, Instant createdAt) {}

    /**
     * Checks with keybridge's own credentials, and without writing, that the destination answers and lets keybridge
     * in: for the health endpoint.
     *
     * @return what was checked, for people; null if this destination is not configured here
     * @throws DestinationException if it cannot be reached or refuses keybridge
     */
    default @Nullable String probe() {
        return null;
    }

    /**
     * Checks, without writing, that keybridge can still deliver a new version to this delivered secret: for warnings
     * days before a scheduled rotation would fail.
     *
     * @throws DestinationException naming what is missing
     */
    default void preflight(String path) {}

    /** How much of a secret {@link #remove} takes away. */
    enum Removal {
        /** Destroy the version's material; keep the secret, its metadata and other versions. */
        DESTROY_VERSION,
        /** Soft-delete the version (recoverable by an operator at the destination); keep everything else. */
        SOFT_DELETE_VERSION,
        /** The version was never published: leave no trace, removing the secret whole if this delivery created it. */
        DISCARD
    }
}
