package io.keybridge.support;

import io.keybridge.cli.KeybridgeCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

/**
 * One run of keybridge's command line in this JVM, with the environment given (never the process's own): its exit
 * code and what it printed, which is scanned for keys with every response ({@link Api#capture}).
 */
public record CliRun(int code, String out, String err) {

    public static CliRun run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = KeybridgeCli.run(args, env, new PrintWriter(out), new PrintWriter(err));
        Api.capture(out + "\n" + err);
        return new CliRun(code, out.toString(), err.toString());
    }

    /** A run against the server on {@code port}, with {@code token} as KEYBRIDGE_TOKEN (none if null). */
    public static CliRun against(int port, @org.jspecify.annotations.Nullable String token, String... args) {
        return token == null
                ? run(Map.of("KEYBRIDGE_URL", "http://127.0.0.1:" + port), args)
                : run(Map.of("KEYBRIDGE_URL", "http://127.0.0.1:" + port, "KEYBRIDGE_TOKEN", token), args);
    }
}
