package io.keybridge.dashboard;

import io.keybridge.lifecycle.web.Patterns;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What the pages' forms send, read the same way everywhere: in filters blank is absent and ids must be UUIDs; a
 * reason or note is required, bounded and free of control characters.
 */
final class QueryText {

    private static final Pattern TEXT = Pattern.compile(Patterns.TEXT);

    private QueryText() {}

    /** A required free-text field (a reason, a note): not blank, at most {@code max} characters, printable. */
    static boolean validText(String text, int max) {
        return !text.isBlank() && text.length() <= max && TEXT.matcher(text).matches();
    }

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
