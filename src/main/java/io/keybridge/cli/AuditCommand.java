package io.keybridge.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import tools.jackson.databind.JsonNode;

/** {@code keybridge audit}: the audit trail, newest first. */
@Command(
        name = "audit",
        description = "The audit trail, newest first; 'audit verify' checks its hash chain, 'audit export' writes it"
                + " as JSON Lines.",
        mixinStandardHelpOptions = true,
        subcommands = {AuditCommand.Verify.class, AuditCommand.Export.class})
final class AuditCommand implements Callable<Integer> {

    @ParentCommand
    @Nullable
    KeybridgeCli root;

    @Option(names = "--key", description = "entries about this key (id or name)")
    @Nullable
    String key;

    @Option(names = "--actor", description = "entries by this caller (a token's name)")
    @Nullable
    String actor;

    @Option(names = "--action", description = "e.g. key.issue, key.revoke, key.emergency-rotate")
    @Nullable
    String action;

    @Option(names = "--since", description = "an instant, e.g. 2026-11-30T00:00:00Z")
    @Nullable
    String since;

    @Option(names = "--limit", defaultValue = "50", description = "at most this many entries (1 to 500, default 50)")
    int limit;

    @Override
    public Integer call() {
        KeybridgeCli cli = Cli.root(root);
        KeybridgeClient client = cli.client();
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("keyId", key == null ? null : KeyReference.resolve(client, key));
        query.put("actor", actor);
        query.put("action", action);
        query.put("from", since);
        query.put("size", limit);
        JsonNode page = client.call(api -> api.audit(KeybridgeClient.query(query)));
        if (cli.json) {
            cli.printJson(page);
            return ExitCodes.OK;
        }
        Table table = new Table("WHEN", "ACTOR", "ACTION", "KEY", "OUTCOME", "DETAIL");
        for (JsonNode entry : page.path("items")) {
            String keyId = entry.path("keyId").asString("");
            int occurrences = entry.path("occurrences").asInt(1);
            table.row(
                    KeyText.when(entry.path("occurredAt").asString()),
                    entry.path("actor").asString(),
                    entry.path("action").asString(),
                    keyId.length() >= 8 ? keyId.substring(0, 8) : "-",
                    entry.path("outcome").asString() + (occurrences > 1 ? " x" + occurrences : ""),
                    entry.path("detail").asString(""));
        }
        table.print(cli.out);
        return ExitCodes.OK;
    }

    @Command(
            name = "verify",
            description = "Check the audit trail's hash chain: exit 0 if intact, 8 with the first broken entry if not.",
            mixinStandardHelpOptions = true)
    static final class Verify implements Callable<Integer> {
        @ParentCommand
        @Nullable
        AuditCommand audit;

        @Override
        public Integer call() {
            KeybridgeCli cli = Cli.root(audit == null ? null : audit.root);
            JsonNode report = cli.client().call(KeybridgeApi::verifyAudit);
            if (cli.json) {
                cli.printJson(report);
            } else if (report.path("intact").asBoolean()) {
                cli.out.printf(
                        "audit chain intact: %d entries checked (head #%d)%s%n",
                        report.path("entriesChecked").asLong(),
                        report.path("headSeq").asLong(),
                        report.path("unchainedEntries").asLong() == 0
                                ? ""
                                : ", " + report.path("unchainedEntries").asLong() + " older entries predate the chain");
            } else {
                JsonNode broken = report.path("firstBroken");
                cli.out.printf(
                        "audit chain BROKEN at entry #%d%s: %s%n",
                        broken.path("chainSeq").asLong(),
                        broken.path("id").isNumber()
                                ? " (row id " + broken.path("id").asLong() + ")"
                                : "",
                        broken.path("problem").asString());
            }
            cli.out.flush();
            return report.path("intact").asBoolean() ? ExitCodes.OK : ExitCodes.AUDIT_CHAIN_BROKEN;
        }
    }

    @Command(
            name = "export",
            description =
                    "Write the audit trail as JSON Lines (oldest first, with each entry's hashes) to standard output.",
            mixinStandardHelpOptions = true)
    static final class Export implements Callable<Integer> {
        @ParentCommand
        @Nullable
        AuditCommand audit;

        @Option(names = "--from", description = "entries at or after this instant")
        @Nullable
        String from;

        @Option(names = "--to", description = "entries before this instant")
        @Nullable
        String to;

        @Override
        public Integer call() {
            KeybridgeCli cli = Cli.root(audit == null ? null : audit.root);
            Map<String, Object> query = new LinkedHashMap<>();
            query.put("from", from);
            query.put("to", to);
            cli.out.print(cli.client().text(api -> api.exportAudit(KeybridgeClient.query(query))));
            cli.out.flush();
            return ExitCodes.OK;
        }
    }
}
