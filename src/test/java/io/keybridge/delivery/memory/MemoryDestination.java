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
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A third secret store, defined in the test sources only: the proof that a store is one package. Registered as a bean
 * by the integration tests' context; keybridge's API, dashboard form and CLI offer it with no change to main code.
 *
 * <p>Secrets live in this JVM's memory, on shelves (the store's own request field, {@code shelf}, which the dashboard
 * shows on its create form from {@link #formFields}): {@code memory:SHELF/PATH}. Like Vault, every write makes a new
 * version of the secret, numbered by the store; a write plans the number it creates and fails if another write took
 * it first.
 */
public final class MemoryDestination implements SecretDestination {

    public static final String TYPE = "memory";
    private static final Pattern PATH = Pattern.compile("[a-z0-9][a-z0-9/_-]{0,127}");
    private static final Pattern SHELF = Pattern.compile("[a-z0-9]{1,16}");

    private final Map<String, List<@Nullable Map<String, String>>> secrets = new ConcurrentHashMap<>();

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String displayName() {
        return "Memory (test store)";
    }

    @Override
    public String location(DestinationFields fields) {
        fields.onlyThese(TYPE, List.of("path", "shelf"));
        String path = fields.text("path", 128);
        if (path == null) {
            throw new InvalidDestinationException("path-required", "a memory destination needs a path");
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
        return TYPE + ":" + path;
    }

    @Override
    public Intent prepare(String path, SecretPayload payload) {
        List<@Nullable Map<String, String>> versions = secrets.get(path);
        return new Intent(String.valueOf(versions == null ? 1 : versions.size() + 1), versions == null);
    }

    @Override
    public void write(String path, Intent intent, SecretPayload payload, KeyMaterial material) {
        List<@Nullable Map<String, String>> versions = secrets.computeIfAbsent(path, p -> new ArrayList<>());
        synchronized (versions) {
            if (versions.size() + 1 != Integer.parseInt(intent.remoteVersion())) {
                throw new DestinationException(
                        refFor(path), "version " + intent.remoteVersion() + " was taken by another write");
            }
            versions.add(Map.copyOf(payload.fields(material)));
        }
    }

    @Override
    public void confirm(String path, Intent intent, SecretPayload payload) {
        List<@Nullable Map<String, String>> versions = secrets.getOrDefault(path, List.of());
        synchronized (versions) {
            if (versions.size() != Integer.parseInt(intent.remoteVersion())
                    || versions.getLast() == null
                    || !payload.keyPrefix().equals(versions.getLast().get("key_prefix"))) {
                throw new VersionNotHeldException(
                        refFor(path), "version " + intent.remoteVersion() + " is not the current one");
            }
        }
    }

    @Override
    public void remove(String path, Intent intent, Removal removal) {
        List<@Nullable Map<String, String>> versions = secrets.get(path);
        if (versions == null) {
            return;
        }
        synchronized (versions) {
            int index = Integer.parseInt(intent.remoteVersion()) - 1;
            if (index < versions.size()) {
                versions.set(index, null);
            }
        }
    }

    @Override
    public @Nullable String probe() {
        return "in memory, " + secrets.size() + " secrets";
    }

    /** What a consumer of {@code ref} reads now: the current version's key, or null if there is none. */
    public @Nullable String read(String ref) {
        List<@Nullable Map<String, String>> versions = secrets.get(ref.substring(TYPE.length() + 1));
        if (versions == null) {
            return null;
        }
        synchronized (versions) {
            Map<String, String> current = versions.isEmpty() ? null : versions.getLast();
            return current == null ? null : current.get(SecretPayload.KEY_FIELD);
        }
    }
}
