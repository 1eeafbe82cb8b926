package io.keybridge.keys;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;

/** Where a key may be used; it is part of the key itself ({@code ee_live_…}, {@code ee_test_…}). */
public enum Environment {
    LIVE,
    TEST;

    /** The lower-case form used in keys, JSON and Vault payloads. */
    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses {@code live} or {@code test} (case-insensitively).
     *
     * @throws IllegalArgumentException naming the allowed values
     */
    @JsonCreator
    public static Environment of(String label) {
        return Arrays.stream(values())
                .filter(environment -> environment.label().equalsIgnoreCase(label))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("environment must be one of live, test"));
    }
}
