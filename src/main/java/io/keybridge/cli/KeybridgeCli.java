package io.keybridge.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** {@code keybridge}: the root command, its global options and what every subcommand shares. */
@Command(
        name = "keybridge",
        mixinStandardHelpOptions = true,
        version = "keybridge command line",
        description = "Issue, rotate and revoke API keys through a running keybridge.",
        subcommands = {
            KeysCommand.class,
            RotateCommand.class,
            EmergencyRotateCommand.class,
            IncidentCommand.class,
            FindingsCommand.class,
            AuditCommand.class
        },
        footer = {
            "",
            "The token comes from KEYBRIDGE_TOKEN (or --token-file), never from the command line, where other users of"
                    + " the machine could read it. KEYBRIDGE_URL is keybridge's address (default http://127.0.0.1:8080).",
            "",
            ExitCodes.HELP
        })
public final class KeybridgeCli {

    @Option(
            names = "--url",
            description = "keybridge's address (default: $KEYBRIDGE_URL or http://127.0.0.1:8080)",
            paramLabel = "URL")
    @Nullable
    String url;

    @Option(
            names = "--token-file",
            description = "read the token from this file instead of $KEYBRIDGE_TOKEN",
            paramLabel = "FILE")
    @Nullable
    Path tokenFile;

    @Option(
            names = "--json",
            description = "print keybridge's JSON answer instead of a table",
            scope = CommandLine.ScopeType.INHERIT)
    boolean json;

    final PrintWriter out;
    final PrintWriter err;
    /** Whether standard error is a terminal: only then is progress redrawn in place. */
    final boolean terminal;

    final JsonMapper mapper =
            JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
    private final Map<String, String> env;

    KeybridgeCli(Map<String, String> env, PrintWriter out, PrintWriter err, boolean terminal) {
        this.terminal = terminal;
        this.env = env;
        this.out = out;
        this.err = err;
    }

    /** Runs a command line and answers its exit code. */
    public static int run(String[] args, Map<String, String> env, PrintWriter out, PrintWriter err) {
        return run(args, env, out, err, false);
    }

    static int run(String[] args, Map<String, String> env, PrintWriter out, PrintWriter err, boolean terminal) {
        CommandLine command = new CommandLine(new KeybridgeCli(env, out, err, terminal));
        command.setOut(out);
        command.setErr(err);
        command.setExecutionExceptionHandler((e, line, parsed) -> {
            if (e instanceof ApiException api) {
                err.println("keybridge: " + api.getMessage());
                err.flush();
                return api.exitCode();
            }
            throw e;
        });
        int code = command.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        System.exit(run(args, System.getenv(), out, err, isTerminal()));
    }

    /** A terminal on both ends ({@code Console.isTerminal()} where the JDK has it, JDK 22 and later). */
    private static boolean isTerminal() {
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (NoSuchMethodException e) {
            return true; // before JDK 22, a console exists only on a terminal
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }

    KeybridgeClient client() {
        String address = url != null ? url : env.getOrDefault("KEYBRIDGE_URL", "http://127.0.0.1:8080");
        URI base;
        try {
            base = URI.create(address.endsWith("/") ? address : address + "/");
        } catch (IllegalArgumentException e) {
            throw new ApiException(ExitCodes.BAD_INPUT, "not an address: " + address);
        }
        return new KeybridgeClient(base, token(), mapper);
    }

    /** Prints JSON as keybridge gave it (for --json). */
    void printJson(JsonNode node) {
        out.println(mapper.writeValueAsString(node));
        out.flush();
    }

    /** Prints the answer as JSON with {@code --json}, else the sentence; the command succeeded. */
    int report(JsonNode answer, String sentence) {
        if (json) {
            printJson(answer);
        } else {
            out.println(sentence);
            out.flush();
        }
        return ExitCodes.OK;
    }

    private String token() {
        if (tokenFile != null) {
            try {
                String token =
                        Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
                if (!token.isEmpty()) {
                    return token;
                }
            } catch (IOException e) {
                throw new ApiException(ExitCodes.BAD_INPUT, "cannot read the token file " + tokenFile);
            }
            throw new ApiException(ExitCodes.BAD_INPUT, "the token file " + tokenFile + " is empty");
        }
        String token = env.get("KEYBRIDGE_TOKEN");
        if (token == null || token.isBlank()) {
            throw new ApiException(
                    ExitCodes.NOT_ALLOWED, "no token: set KEYBRIDGE_TOKEN (or use --token-file) to an operator token");
        }
        return token.strip();
    }
}
