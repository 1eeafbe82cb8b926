package io.keybridge.delivery.memory;

import io.keybridge.delivery.DestinationException;
import io.keybridge.delivery.DestinationFields;
import io.keybridge.delivery.FormField;
import io.keybridge.delivery.Intent;
import io.keybridge.delivery.InvalidDestinationException;
import io.keybridge.delivery.SecretDestination;
import io.keybridge.delivery.SecretPayload;
import io.keybridge.delivery.VersionNotHeldException;
import io.keybridge.keys.KeyMaterial;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A third secret store, defined in the test sources only: the proof that a store is one package. Registered as beans
 * by the integration tests' context; keybridge's API, dashboard form and CLI offer it with no change to main code.
 *
 * <p>Secrets live in this JVM's memory, on shelves (the store's own request field, {@code shelf}, which the dashboard
 * shows on its create form from {@link #formFields}): {@code TYPE:SHELF/PATH}. Every write makes a new version of the
 * secret. Of the two kinds, {@code memory} lets keybridge plan the version a write creates (as Vault's CAS does) and
 * fails a write whose version another write took; {@code memory-auto} numbers versions itself, so that keybridge
 * learns the number from the write's answer ({@link Intent#assignedByStore}) and, when that answer is lost, finds the
 * version again by the label with keybridge's version id that every version carries.
 */
public final class MemoryDestination implements SecretDestination {

    /** The label on every version: keybridge's version id, by which a store-numbered version is found again. */
    private static final String LABEL = "keybridge_version";

    private static final Pattern PATH = Pattern.compile("[a-z0-9][a-z0-9/_-]{0,127}");
    private static final Pattern SHELF = Pattern.compile("[a-z0-9]{1,16}");

    private final String type;
    private final boolean numbersVersions;
    private final Map<String, List<@Nullable Map<String, String>>> secrets = new ConcurrentHashMap<>();
    private final AtomicBoolean loseNextAnswer = new AtomicBoolean();

    private MemoryDestination(String type, boolean numbersVersions) {
        this.type = type;
        this.numbersVersions = numbersVersions;
    }

    /** Versions planned by keybridge. */
    public static MemoryDestination planned() {
        return new MemoryDestination("memory", false);
    }

    /** Versions numbered by the store at write time. */
    public static MemoryDestination numberedByTheStore() {
        return new MemoryDestination("memory-auto", true);
    }

    /** The next write lands, and its answer is lost on the way back (a timeout after the store did the work). */
    public void loseNextAnswer() {
        loseNextAnswer.set(true);
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public String displayName() {
        return numbersVersions ? "Memory, numbered by the store (test store)" : "Memory (test store)";
    }

    @Override
    public String location(DestinationFields fields) {
        fields.onlyThese(type, List.of("path", "shelf"));
        String path = fields.text("path", 128);
        if (path == null) {
            throw new InvalidDestinationException("path-required", "a " + type + " destination needs a path");
        }
        String shelf = fields.text("shelf", 16);
        if (shelf != null && !SHELF.matcher(shelf).matches()) {
            throw new InvalidDestinationException("shelf", "shelf", "a shelf is 1 to 16 lower-case letters and digits");
        }
        return (shelf == null ? "main" : shelf) + "/" + path;
    }

    @Override
    public List<FormField> formFields() {
        return List.of(new FormField("shelf", "Memory shelf", 16));
    }

    @Override
    public String readCommand(String ref) {
        return "memory-store get " + ref;
    }

    @Override
    public String refFor(String path) {
        int slash = path.indexOf('/');
        if (slash < 0 || !PATH.matcher(path.substring(slash + 1)).matches() || path.contains("..")) {
            throw new InvalidDestinationException(
                    "path-segment", "a memory path is lower-case letters, digits, '/', '_' and '-'");
        }
        return type + ":" + path;
    }

    @Override
    public Intent prepare(String path, SecretPayload payload) {
        List<@Nullable Map<String, String>> versions = secrets.get(path);
        if (numbersVersions) {
            return Intent.assignedByStore(payload.versionId(), versions == null);
        }
        return new Intent(String.valueOf(versions == null ? 1 : versions.size() + 1), versions == null);
    }

    @Override
    public Intent write(String path, Intent intent, SecretPayload payload, KeyMaterial material) {
        if (numbersVersions != intent.assignedByStore()) {
            throw new DestinationException(refFor(path), "a write planned for another kind of store");
        }
        List<@Nullable Map<String, String>> versions = secrets.computeIfAbsent(path, p -> new ArrayList<>());
        int written;
        synchronized (versions) {
            if (!numbersVersions && versions.size() + 1 != Integer.parseInt(intent.remoteVersion())) {
                throw new DestinationException(
                        refFor(path), "version " + intent.remoteVersion() + " was taken by another write");
            }
            Map<String, String> fields = new HashMap<>(payload.fields(material));
            fields.put(LABEL, payload.versionId().toString());
            versions.add(Map.copyOf(fields));
            written = versions.size();
        }
        if (loseNextAnswer.getAndSet(false)) {
            throw new DestinationException(refFor(path), "the write's answer was lost", null, false);
        }
        return numbersVersions ? intent.written(String.valueOf(written)) : intent;
    }

    @Override
    public void confirm(String path, Intent intent, SecretPayload payload) {
        List<@Nullable Map<String, String>> versions = secrets.getOrDefault(path, List.of());
        synchronized (versions) {
            int number = number(versions, intent);
            if (number != versions.size()
                    || versions.getLast() == null
                    || !payload.keyPrefix().equals(versions.getLast().get("key_prefix"))) {
                throw new VersionNotHeldException(refFor(path), "version " + number + " is not the current one");
            }
        }
    }

    @Override
    public void remove(String path, Intent intent, Removal removal, WrittenVersion written) {
        List<@Nullable Map<String, String>> versions = secrets.get(path);
        if (versions == null) {
            return;
        }
        synchronized (versions) {
            int number = number(versions, intent);
            if (number >= 1 && number <= versions.size()) {
                versions.set(number - 1, null);
            }
        }
    }

    @Override
    public @Nullable String probe() {
        return "in memory, " + secrets.size() + " secrets";
    }

    /** What a consumer of {@code ref} reads now: the current version's key, or null if there is none. */
    public @Nullable String read(String ref) {
        List<@Nullable Map<String, String>> versions = secrets.get(ref.substring(type.length() + 1));
        if (versions == null) {
            return null;
        }
        synchronized (versions) {
            Map<String, String> current = versions.isEmpty() ? null : versions.getLast();
            return current == null ? null : current.get(SecretPayload.KEY_FIELD);
        }
    }

    /** How many versions at {@code ref} still hold a key (not removed). */
    public long versionsHeld(String ref) {
        List<@Nullable Map<String, String>> versions =
                secrets.getOrDefault(ref.substring(type.length() + 1), List.of());
        synchronized (versions) {
            return versions.stream().filter(java.util.Objects::nonNull).count();
        }
    }

    /** The version's number: as recorded, or, for one the store numbered whose answer was lost, found by its label. */
    private static int number(List<@Nullable Map<String, String>> versions, Intent intent) {
        if (!intent.assignedByStore()) {
            return Integer.parseInt(intent.remoteVersion());
        }
        String label = intent.keybridgeVersion().toString();
        for (int i = 0; i < versions.size(); i++) {
            Map<String, String> version = versions.get(i);
            if (version != null && label.equals(version.get(LABEL))) {
                return i + 1;
            }
        }
        return -1; // never written
    }
}
