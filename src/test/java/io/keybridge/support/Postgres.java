package io.keybridge.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real PostgreSQL (Debian's package, installed by {@code scripts/postgres} if missing) on a free loopback port,
 * started once for the whole test run and stopped when it ends. Each test class gets a database of its own.
 */
public final class Postgres {

    private static volatile Postgres server;

    private final Path directory;
    private final int port;

    private Postgres() throws IOException, InterruptedException {
        // below /tmp: the postgres user that runs the server must reach it
        this.directory = Files.createTempDirectory("keybridge-pg-");
        try (ServerSocket socket = new ServerSocket(0)) {
            this.port = socket.getLocalPort();
        }
        run("start", directory.toString(), String.valueOf(port));
    }

    public static synchronized Postgres server() {
        if (server == null) {
            try {
                server = new Postgres();
            } catch (IOException e) {
                throw new IllegalStateException("could not start PostgreSQL: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            Postgres started = server;
            Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "postgres-stop"));
        }
        return server;
    }

    /** Creates an empty database (dropping one of that name) and returns its JDBC URL; user {@code keybridge}. */
    public String database(String name) {
        try (Connection connection = connect("postgres");
                Statement statement = connection.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            statement.execute("CREATE DATABASE " + name + " OWNER keybridge");
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + name, e);
        }
        return url(name);
    }

    /**
     * Starts the server and its database for the integration tests run on PostgreSQL ({@link OnPostgres}), and
     * publishes its URL as the system property {@code keybridge.test.postgres-url} that those tests' contexts read.
     * Called from their static initializers: before JUnit or Spring touch the class.
     */
    public static synchronized void forIntegrationTests() {
        if (System.getProperty("keybridge.test.postgres-url") == null) {
            System.setProperty("keybridge.test.postgres-url", server().database("keybridge_it"));
        }
    }

    public int port() {
        return port;
    }

    public String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(url(database), database.equals("postgres") ? "postgres" : "keybridge", "");
    }

    /** Stops the server; again is harmless (pg_ctl says it is not running, which is ignored). */
    void stop() {
        try {
            run("stop", directory.toString());
        } catch (IOException | InterruptedException e) {
            // the JVM is ending
        }
    }

    private static void run(String... arguments) throws IOException, InterruptedException {
        Path project = Path.of(System.getProperty("user.dir"));
        Path log = project.resolve("target/postgres-it.log");
        Files.createDirectories(log.getParent());
        List<String> command = new java.util.ArrayList<>(List.of("bash", "scripts/postgres"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command)
                .directory(project.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        if (!process.waitFor(300, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("scripts/postgres " + String.join(" ", arguments) + " failed: "
                    + Files.readString(log, StandardCharsets.UTF_8));
        }
    }
}
