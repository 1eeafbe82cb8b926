package io.keybridge.delivery;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * A destination as a request gave it, besides its {@code type}: {@code path} and the store's own fields (AWS:
 * {@code secretId}, {@code region}, …). Each destination type reads the fields it knows with {@link #text} and refuses
 * the rest with {@link #onlyThese}, so a new store defines its request fields in its own package.
 *
 * <p>Every value is bounded: a field's text by the reader's {@code maxLength}, the number of fields and of entries in a
 * map field by {@link #MAX_FIELDS}.
 */
public record DestinationFields(Map<String, @Nullable Object> values) {

    /** More fields than any destination type has, or than a map field (tags) may hold. */
    public static final int MAX_FIELDS = 20;

    /** What a field's name looks like; others are refused without being repeated. */
    private static final java.util.regex.Pattern FIELD_NAME =
            java.util.regex.Pattern.compile("[A-Za-z][A-Za-z0-9]{0,31}");

    public DestinationFields {
        if (values.size() > MAX_FIELDS) {
            throw new InvalidDestinationException(
                    "fields", "maximum", "a destination has at most " + MAX_FIELDS + " fields");
        }
        values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** Only a path: the fields of the simplest destinations (and of the dashboard's and CLI's {@code TYPE:PATH}). */
    public static DestinationFields path(String path) {
        return new DestinationFields(Map.of("path", path));
    }

    /**
     * A text field, or null if absent.
     *
     * @throws InvalidDestinationException naming the field if it is not text, is blank or longer than {@code maxLength}
     */
    public @Nullable String text(String name, int maxLength) {
        Object value = values.get(name);
        if (value == null) {
            return null;
        }
        if (!(value instanceof String text)) {
            throw new InvalidDestinationException(name, "type", name + " is text");
        }
        if (text.isBlank()) {
            throw new InvalidDestinationException(name, "blank", name + " must not be blank");
        }
        if (text.length() > maxLength) {
            throw new InvalidDestinationException(name, "maximum", name + " has at most " + maxLength + " characters");
        }
        return text;
    }

    /**
     * A field of text values by text keys (tags), empty if absent.
     *
     * @throws InvalidDestinationException naming the field if it is anything else, or has too many or too long entries
     */
    public Map<String, String> textMap(String name, int maxLength) {
        Object value = values.get(name);
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map<?, ?> map) || map.size() > MAX_FIELDS) {
            throw new InvalidDestinationException(
                    name, "type", name + " is an object of at most " + MAX_FIELDS + " text values");
        }
        Map<String, String> texts = new LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            if (!(entry.getValue() instanceof String text)) {
                throw new InvalidDestinationException(name, "type", "each value of " + name + " is text");
            }
            String key = String.valueOf(entry.getKey());
            if (key.length() > maxLength || text.length() > maxLength) {
                throw new InvalidDestinationException(
                        name, "maximum", "the entries of " + name + " have at most " + maxLength + " characters");
            }
            texts.put(key, text);
        }
        return texts;
    }

    /**
     * Refuses fields this destination type does not have.
     *
     * @throws InvalidDestinationException naming the first unknown field and the fields the type has
     */
    public void onlyThese(String type, List<String> known) {
        Set<String> unknown = new TreeSet<>(values.keySet());
        known.forEach(unknown::remove);
        if (!unknown.isEmpty()) {
            String field = unknown.iterator().next();
            if (!FIELD_NAME.matcher(field).matches()) {
                // a name no store has, echoed nowhere: it could be anything the caller pasted, a key among them
                throw new InvalidDestinationException(
                        "",
                        "unknown-field",
                        "a " + type + " destination has only the fields " + String.join(", ", known));
            }
            throw new InvalidDestinationException(
                    field,
                    "unknown-field",
                    "a " + type + " destination has no field " + field + " (its fields: " + String.join(", ", known)
                            + ")");
        }
    }

    /** Whether the field was given. */
    public boolean has(String name) {
        return values.get(name) != null;
    }
}
