package io.keybridge.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import tools.jackson.databind.JsonNode;

/** {@code keybridge emergency-rotate KEY --reason …}: contain a leaked key at once, then deliver a new one. */
@Command(
        name = "emergency-rotate",
        description = "Contain a leaked key: every current version stops verifying before this returns, then a new"
                + " version is delivered.",
        mixinStandardHelpOptions = true)
final class EmergencyRotateCommand implements Callable<Integer> {

    @ParentCommand
    @Nullable
    KeybridgeCli root;

    @Parameters(paramLabel = "KEY", description = "the key's id, or its name")
    @Nullable
    String key;

    @Option(names = "--reason", required = true, description = "why, for the audit trail")
    @Nullable
    String reason;

    @Option(names = "--incident", description = "incident reference, e.g. INC-1234")
    @Nullable
    String incident;

    @Override
    public Integer call() {
        KeybridgeCli cli = Cli.root(root);
        KeybridgeClient client = cli.client();
        String id = KeyReference.resolve(client, key);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("reason", reason);
        if (incident != null) {
            body.put("incident", incident);
        }
        JsonNode rotation = client.call(api -> api.emergencyRotate(id, body));
        if (cli.json) {
            cli.printJson(rotation);
        } else {
            RotationText.describe(cli.out, rotation);
        }
        return ExitCodes.OK;
    }
}
