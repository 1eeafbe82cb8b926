package io.keybridge.cli;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import tools.jackson.databind.JsonNode;

/**
 * {@code keybridge incident --owner … --reason …}: bulk emergency rotation. Every selected key stops verifying before
 * the run is accepted; then the new versions are delivered while a progress bar shows how far it got.
 */
@Command(
        name = "incident",
        description = "Emergency-rotate every active key matching the criteria (at least one). --dry-run lists them"
                + " and changes nothing.",
        mixinStandardHelpOptions = true)
final class IncidentCommand implements Callable<Integer> {

    private static final int BAR = 30;

    @ParentCommand
    @Nullable
    KeybridgeCli root;

    @Option(names = "--owner")
    @Nullable
    String owner;

    @Option(names = "--scope")
    @Nullable
    String scope;

    @Option(names = "--environment", description = "live or test")
    @Nullable
    String environment;

    @Option(names = "--destination-prefix", description = "keys delivered under this, e.g. secret/keybridge/crm/")
    @Nullable
    String destinationPrefix;

    @Option(names = "--created-before", description = "an instant, e.g. 2026-11-01T00:00:00Z")
    @Nullable
    String createdBefore;

    @Option(names = "--reason", required = true, description = "why, for every key's audit trail")
    @Nullable
    String reason;

    @Option(names = "--dry-run", description = "list the keys that would be rotated; change nothing")
    boolean dryRun;

    @Option(names = "--poll", defaultValue = "PT0.5S", description = "how often to check progress (default PT0.5S)")
    Duration poll;

    @Override
    public Integer call() throws InterruptedException {
        KeybridgeCli cli = Cli.root(root);
        KeybridgeClient client = cli.client();
        Map<String, Object> selector = new LinkedHashMap<>();
        put(selector, "owner", owner);
        put(selector, "scope", scope);
        put(selector, "environment", environment);
        put(selector, "destinationPrefix", destinationPrefix);
        put(selector, "createdBefore", createdBefore);
        if (selector.isEmpty()) {
            throw new ApiException(
                    ExitCodes.BAD_INPUT,
                    "give at least one of --owner, --scope, --environment, --destination-prefix, --created-before,"
                            + " so that no run takes every key by accident");
        }
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("selector", selector);
        request.put("reason", reason);
        request.put("dryRun", dryRun);
        JsonNode answer = client.call(api -> api.startEmergencyRun(request));
        if (dryRun) {
            if (cli.json) {
                cli.printJson(answer);
                return ExitCodes.OK;
            }
            Table table = new Table("ID", "NAME", "OWNER", "ENV");
            for (JsonNode key : answer.path("keys")) {
                table.row(
                        key.path("id").asString(),
                        key.path("name").asString(),
                        key.path("owner").asString(),
                        key.path("environment").asString());
            }
            table.print(cli.out);
            cli.out.println(answer.path("total").asInt() + " key(s) would be rotated (dry run: nothing changed)");
            cli.out.flush();
            return ExitCodes.OK;
        }
        String runId = answer.path("id").asString();
        cli.err.println("Contained: all " + answer.path("total").asInt() + " key(s) stopped verifying at "
                + answer.path("containedAt").asString("") + ". Delivering new versions (run " + runId + ")…");
        JsonNode run = answer;
        int last = -1;
        while (!"COMPLETED".equals(run.path("state").asString())) {
            last = progress(cli, run, last);
            Thread.sleep(poll.toMillis());
            run = client.call(api -> api.emergencyRun(runId));
        }
        progress(cli, run, last);
        if (cli.terminal) {
            cli.err.println(); // end the bar's line
        }
        cli.err.flush();
        long failed = run.path("failed").asLong();
        if (cli.json) {
            cli.printJson(run);
        } else {
            Table table = new Table("KEY", "OUTCOME", "ERROR");
            for (JsonNode item : run.path("keys")) {
                table.row(
                        item.path("keyId").asString(),
                        item.path("outcome").asString(),
                        item.path("error").asString(""));
            }
            table.print(cli.out);
            cli.out.printf(
                    "%d key(s): %d delivered, %d failed (those stay revoked; keybridge retries them)%n",
                    run.path("total").asInt(), run.path("delivered").asLong(), failed);
            cli.out.flush();
        }
        return failed == 0 ? ExitCodes.OK : ExitCodes.DELIVERY_FAILED;
    }

    /**
     * {@code [##########----------] 12/40 delivered, 0 failed}, redrawn in place on a terminal; elsewhere (a log, a
     * pipe) one plain line per change. Only when it changed.
     */
    private static int progress(KeybridgeCli cli, JsonNode run, int last) {
        int total = Math.max(1, run.path("total").asInt());
        int done = (int) (run.path("delivered").asLong() + run.path("failed").asLong());
        if (done == last) {
            return last;
        }
        if (!cli.terminal) {
            cli.err.printf(
                    "%d/%d delivered, %d failed%n",
                    run.path("delivered").asLong(),
                    run.path("total").asInt(),
                    run.path("failed").asLong());
            cli.err.flush();
            return done;
        }
        int filled = done * BAR / total;
        cli.err.printf(
                "\r[%s%s] %d/%d delivered, %d failed",
                "#".repeat(filled),
                "-".repeat(BAR - filled),
                run.path("delivered").asLong(),
                run.path("total").asInt(),
                run.path("failed").asLong());
        cli.err.flush();
        return done;
    }

    private static void put(Map<String, Object> selector, String name, @Nullable String value) {
        if (value != null && !value.isBlank()) {
            selector.put(name, value);
        }
    }
}
