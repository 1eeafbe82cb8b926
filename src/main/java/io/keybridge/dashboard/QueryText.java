package io.keybridge.dashboard;

import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** What the pages' filter forms send, read the same way everywhere: blank is absent, ids must be UUIDs. */
final class QueryText {

    private QueryText() {}

    static @Nullable String value(@Nullable String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }

    static UUID keyId(String text) {
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("key id must be a UUID such as 0b6f3c0e-8f5e-4c3a-9d4e-2a1b3c4d5e6f");
        }
    }

    static int page(@Nullable Integer page) {
        return page == null || page < 0 ? 0 : page;
    }
}
