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

/** {@code keybridge rotate KEY}: a new version now; the current one keeps verifying for the overlap. */
@Command(
        name = "rotate",
        description = "Rotate a key now. Answers once the new version is confirmed at every destination; the old one"
                + " keeps verifying until the overlap ends.",
        mixinStandardHelpOptions = true)
final class RotateCommand implements Callable<Integer> {

    @ParentCommand
    @Nullable
    KeybridgeCli root;

    @Parameters(paramLabel = "KEY", description = "the key's id, or its name")
    @Nullable
    String key;

    @Option(
            names = "--overlap",
            description = "how long the old version keeps verifying, e.g. PT2H (default: the policy's)")
    @Nullable
    String overlap;

    @Override
    public Integer call() {
        KeybridgeCli cli = Cli.root(root);
        KeybridgeClient client = cli.client();
        String id = KeyReference.resolve(client, key);
        Map<String, Object> body = new LinkedHashMap<>();
        if (overlap != null) {
            body.put("overlap", overlap);
        }
        JsonNode rotation = client.call(api -> api.rotate(id, body));
        if (cli.json) {
            cli.printJson(rotation);
        } else {
            RotationText.describe(cli.out, rotation);
        }
        return ExitCodes.OK;
    }
}
