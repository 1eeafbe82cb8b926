package io.keybridge.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import tools.jackson.databind.JsonNode;

/**
 * {@code keybridge findings}: what keybridge noticed, newest first; {@code findings acknowledge} and
 * {@code findings resolve} move one along its life.
 */
@Command(
        name = "findings",
        description = "What keybridge noticed about keys (leak reports, spikes, stragglers, dormant keys...),"
                + " newest first.",
        mixinStandardHelpOptions = true,
        subcommands = {FindingsCommand.Acknowledge.class, FindingsCommand.Resolve.class})
final class FindingsCommand implements Callable<Integer> {

    @ParentCommand
    @Nullable
    KeybridgeCli root;

    @Option(names = "--key", description = "findings about this key (id or name)")
    @Nullable
    String key;

    @Option(names = "--kind", description = "e.g. LEAK_REPORTED, REQUEST_SPIKE, STRAGGLER, DORMANT")
    @Nullable
    String kind;

    @Option(names = "--severity", description = "this severity or higher: LOW, MEDIUM, HIGH, CRITICAL")
    @Nullable
    String severity;

    @Option(names = "--status", description = "OPEN, ACKNOWLEDGED or RESOLVED (repeatable; every state if not given)")
    @Nullable
    List<String> status;

    @Option(names = "--since", description = "an instant, e.g. 2026-11-30T00:00:00Z")
    @Nullable
    String since;

    @Option(names = "--limit", defaultValue = "50", description = "at most this many findings (1 to 500, default 50)")
    int limit;

    @Override
    public Integer call() {
        KeybridgeCli cli = Cli.root(root);
        KeybridgeClient client = cli.client();
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("keyId", key == null ? null : KeyReference.resolve(client, key));
        query.put("kind", kind);
        query.put("severity", severity);
        query.put("since", since);
        query.put("status", status == null ? null : String.join(",", status));
        query.put("size", limit);
        JsonNode page = client.call(api -> api.findings(KeybridgeClient.query(query)));
        if (cli.json) {
            cli.printJson(page);
            return ExitCodes.OK;
        }
        Table table = new Table("ID", "WHEN", "SEVERITY", "STATUS", "KIND", "KEY", "SUMMARY");
        for (JsonNode finding : page.path("items")) {
            String keyId = finding.path("keyId").asString("");
            table.row(
                    finding.path("id").asString(),
                    KeyText.when(finding.path("raisedAt").asString()),
                    finding.path("severity").asString(),
                    finding.path("status").asString(),
                    finding.path("kind").asString(),
                    keyId.length() >= 8 ? keyId.substring(0, 8) : "-",
                    finding.path("summary").asString());
        }
        table.print(cli.out);
        return ExitCodes.OK;
    }

    /** Makes one transition and says what became of the finding. */
    private static int transition(
            @Nullable FindingsCommand findings,
            @Nullable String id,
            Function<KeybridgeApi, JsonNode> change,
            String done) {
        KeybridgeCli cli = Cli.root(findings == null ? null : findings.root);
        JsonNode finding = cli.client().call(change);
        return cli.report(finding, done + " " + finding.path("kind").asString() + " " + id + ".");
    }

    @Command(
            name = "acknowledge",
            description = "Say you have a finding in hand (OPEN → ACKNOWLEDGED): it leaves the dashboard's open count.",
            mixinStandardHelpOptions = true)
    static final class Acknowledge implements Callable<Integer> {
        @ParentCommand
        @Nullable
        FindingsCommand findings;

        @Parameters(paramLabel = "FINDING", description = "the finding's id (the ID column)")
        @Nullable
        String id;

        @Option(names = "--note", required = true, description = "what you are doing about it (up to 500 characters)")
        @Nullable
        String note;

        @Override
        public Integer call() {
            return transition(findings, id, api -> api.acknowledgeFinding(id, Map.of("note", note)), "Acknowledged");
        }
    }

    @Command(
            name = "resolve",
            description = "Resolve a finding by hand (OPEN or ACKNOWLEDGED → RESOLVED); noticed again, it opens anew.",
            mixinStandardHelpOptions = true)
    static final class Resolve implements Callable<Integer> {
        @ParentCommand
        @Nullable
        FindingsCommand findings;

        @Parameters(paramLabel = "FINDING", description = "the finding's id (the ID column)")
        @Nullable
        String id;

        @Option(names = "--reason", required = true, description = "why it needs nothing more (up to 500 characters)")
        @Nullable
        String reason;

        @Override
        public Integer call() {
            return transition(findings, id, api -> api.resolveFinding(id, Map.of("reason", reason)), "Resolved");
        }
    }
}
