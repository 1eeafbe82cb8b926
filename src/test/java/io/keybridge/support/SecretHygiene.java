package io.keybridge.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Remembers every key the tests obtained (only ever from Vault, as a consumer would) and proves none of them reached
 * a log line, an API response or the database. Checks the full key and the secret part after the display prefix.
 */
public final class SecretHygiene {

    private static final Set<String> KEYS = ConcurrentHashMap.newKeySet();
    private static final Path LOG = Path.of("target/test-logs/keybridge.log");
    private static final Pattern KEY_SHAPE = Pattern.compile("\\bee_(?:live|test)_[0-9A-Za-z]{49}\\b");

    private SecretHygiene() {}

    public static void remember(String key) {
        if (key != null && key.matches("ee_(live|test)_[0-9A-Za-z]{49}")) { // not, say, a foreign secret a test planted
            KEYS.add(key);
        }
    }

    public static int keysSeen() {
        return KEYS.size();
    }

    /** Fails if any key seen so far appears in the captured log, any response, or any table. */
    public static void assertNoLeaks(JdbcClient jdbc) {
        String log = readLog();
        String rows = dump(jdbc);
        assertThat(rows).contains("INSERT INTO"); // the dump holds data, so the scan below means something
        assertThat(leaksIn(log)).as("keys in the captured log").isEmpty();
        assertThat(leaksIn(rows)).as("keys in the database").isEmpty();
        assertThat(leaksIn(String.join("\n", Api.RESPONSES)))
                .as("keys in API responses")
                .isEmpty();
    }

    /** Every row of every table, as text: H2's {@code SCRIPT}, or each PostgreSQL table's rows as JSON. */
    private static String dump(JdbcClient jdbc) {
        String product = jdbc.sql("SELECT 1").query((org.springframework.jdbc.core.ResultSetExtractor<String>)
                rs -> rs.getStatement().getConnection().getMetaData().getDatabaseProductName());
        if (!"PostgreSQL".equals(product)) {
            assertThat(jdbc.sql("SCRIPT NODATA").query(String.class).list()).isNotEmpty();
            return String.join("\n", jdbc.sql("SCRIPT").query(String.class).list());
        }
        StringBuilder dump = new StringBuilder();
        List<String> tables = jdbc.sql("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")
                .query(String.class)
                .list();
        assertThat(tables).isNotEmpty();
        for (String table : tables) {
            for (String row : jdbc.sql("SELECT row_to_json(t)::text FROM \"" + table + "\" t")
                    .query(String.class)
                    .list()) {
                dump.append("INSERT INTO ")
                        .append(table)
                        .append(' ')
                        .append(row)
                        .append('\n');
            }
        }
        return dump.toString();
    }

    /** The remembered keys whose secret part (after the display prefix) appears in the text. */
    public static List<String> leaksIn(String text) {
        return KEYS.stream()
                .filter(key -> text.contains(key.substring(12)))
                .map(key -> key.substring(0, 12) + "…")
                .toList();
    }

    /** Fails unless a process log was written and holds neither a remembered key nor anything shaped like a key. */
    public static void assertNoKeyInLog(Path log) {
        try {
            String text = Files.readString(log);
            assertThat(text).as(log + " was written").contains("Started");
            assertThat(leaksIn(text)).as("keys in " + log).isEmpty();
            assertThat(KEY_SHAPE.matcher(text).find())
                    .as("anything shaped like a key in " + log)
                    .isFalse();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Fails if a remembered key, or anything shaped like a key, is in an H2 database's {@code SCRIPT} dump. */
    public static void assertNoKeyInH2(Statement statement) throws SQLException {
        StringBuilder dump = new StringBuilder();
        try (ResultSet rs = statement.executeQuery("SCRIPT")) {
            while (rs.next()) {
                dump.append(rs.getString(1)).append('\n');
            }
        }
        assertThat(dump).as("the dump holds data").contains("INSERT INTO");
        assertThat(leaksIn(dump.toString())).as("keys in the database").isEmpty();
        assertThat(KEY_SHAPE.matcher(dump).find())
                .as("anything shaped like a key in the database")
                .isFalse();
    }

    private static String readLog() {
        try {
            return Files.exists(LOG) ? Files.readString(LOG) : "";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
