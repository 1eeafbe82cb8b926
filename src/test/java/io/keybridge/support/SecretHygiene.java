package io.keybridge.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Remembers every key the tests obtained (only ever from Vault, as a consumer would) and proves none of them reached
 * a log line, an API response or the database. Checks the full key and the secret part after the display prefix.
 */
public final class SecretHygiene {

    private static final Set<String> KEYS = ConcurrentHashMap.newKeySet();
    private static final Path LOG = Path.of("target/test-logs/keybridge.log");

    private SecretHygiene() {}

    static void remember(String key) {
        KEYS.add(key);
    }

    public static int keysSeen() {
        return KEYS.size();
    }

    /** Fails if any key seen so far appears in the captured log, any response, or any table. */
    public static void assertNoLeaks(JdbcClient jdbc) {
        String log = readLog();
        List<String> database = jdbc.sql("SCRIPT NODATA").query(String.class).list();
        String rows = String.join("\n", jdbc.sql("SCRIPT").query(String.class).list());
        assertThat(database).isNotEmpty();
        assertThat(rows).contains("INSERT INTO"); // the dump holds data, so the scan below means something
        for (String key : KEYS) {
            String secretPart = key.substring(12);
            assertThat(log).as("captured log").doesNotContain(secretPart);
            assertThat(rows).as("database").doesNotContain(secretPart);
            for (String response : Api.RESPONSES) {
                assertThat(response).as("API response").doesNotContain(secretPart);
            }
        }
    }

    private static String readLog() {
        try {
            return Files.exists(LOG) ? Files.readString(LOG) : "";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
