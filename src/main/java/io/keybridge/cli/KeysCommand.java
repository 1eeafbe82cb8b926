package io.keybridge.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import tools.jackson.databind.JsonNode;

/** {@code keybridge keys list|show|create|rename|suspend|resume|revoke}. */
@Command(
        name = "keys",
        description = "List, show, create, rename, suspend, resume and revoke keys.",
        mixinStandardHelpOptions = true,
        subcommands = {
            KeysCommand.ListKeys.class,
            KeysCommand.ShowKey.class,
            KeysCommand.CreateKey.class,
            KeysCommand.RenameKey.class,
            KeysCommand.SuspendKey.class,
            KeysCommand.ResumeKey.class,
            KeysCommand.RevokeKey.class
        })
final class KeysCommand {

    @ParentCommand
    @Nullable
    KeybridgeCli root;

    KeybridgeCli root() {
        return Cli.root(root);
    }

    @Command(name = "list", description = "Keys, newest first.", mixinStandardHelpOptions = true)
    static final class ListKeys implements Callable<Integer> {
        @ParentCommand
        @Nullable
        KeysCommand keys;

        @Option(names = "--search", description = "part of the name, owner or description")
        @Nullable
        String search;

        @Option(names = "--status", description = "pending, active or revoked")
        @Nullable
        String status;

        @Option(names = "--owner")
        @Nullable
        String owner;

        @Option(names = "--scope")
        @Nullable
        String scope;

        @Option(names = "--environment", description = "live or test")
        @Nullable
        String environment;

        @Option(names = "--page", defaultValue = "0")
        int page;

        @Option(names = "--size", defaultValue = "50")
        int size;

        @Override
        public Integer call() {
            KeybridgeCli root = keys.root();
            Map<String, Object> query = new LinkedHashMap<>();
            query.put("q", search);
            query.put("status", status);
            query.put("owner", owner);
            query.put("scope", scope);
            query.put("environment", environment);
            query.put("page", page);
            query.put("size", size);
            JsonNode found = root.client().call(api -> api.keys(KeybridgeClient.query(query)));
            if (root.json) {
                root.printJson(found);
                return ExitCodes.OK;
            }
            Table table = new Table(
                    "ID",
                    "NAME",
                    "PREFIX",
                    "ENV",
                    "STATUS",
                    "ROTATION",
                    "OWNER",
                    "SCOPES",
                    "LAST USED",
                    "NEXT ROTATION");
            for (JsonNode key : found.path("items")) {
                table.row(
                        key.path("id").asString().substring(0, 8),
                        key.path("name").asString(),
                        key.path("prefix").asString() + "…",
                        key.path("environment").asString(),
                        key.path("status").asString(),
                        key.path("rotation").asString(),
                        key.path("owner").asString(),
                        KeyText.scopes(key),
                        KeyText.orDash(key.path("lastUsedAt").asString("")),
                        KeyText.orDash(key.path("nextRotationAt").asString("")));
            }
            table.print(root.out);
            long total = found.path("totalItems").asLong();
            if (total > found.path("items").size()) {
                root.err.printf(
                        "page %d of %d (%d keys): --page N for more%n",
                        page + 1, found.path("totalPages").asLong(), total);
                root.err.flush();
            }
            return ExitCodes.OK;
        }
    }

    @Command(
            name = "show",
            description = "One key: everything but the secret, and where the secret went.",
            mixinStandardHelpOptions = true)
    static final class ShowKey implements Callable<Integer> {
        @ParentCommand
        @Nullable
        KeysCommand keys;

        @Parameters(paramLabel = "KEY", description = "the key's id, or its name")
        @Nullable
        String key;

        @Override
        public Integer call() {
            KeybridgeCli root = keys.root();
            KeybridgeClient client = root.client();
            String id = KeyReference.resolve(client, key);
            JsonNode found = client.call(api -> api.key(id));
            if (root.json) {
                root.printJson(found);
            } else {
                KeyText.describe(root.out, found);
            }
            return ExitCodes.OK;
        }
    }

    @Command(
            name = "create",
            description =
                    "Issue a key and deliver it to its destinations. Nobody sees the key: this prints where it went.",
            mixinStandardHelpOptions = true)
    static final class CreateKey implements Callable<Integer> {
        @ParentCommand
        @Nullable
        KeysCommand keys;

        @Option(
                names = "--name",
                required = true,
                description = "e.g. prod_crm_sync_revops: environment, system, owner")
        @Nullable
        String name;

        @Option(names = "--environment", defaultValue = "live", description = "live or test (default: live)")
        @Nullable
        String environment;

        @Option(names = "--scope", required = true, description = "a scope; repeat for several")
        @Nullable
        List<String> scopes;

        @Option(names = "--owner", required = true)
        @Nullable
        String owner;

        @Option(names = "--description")
        @Nullable
        String description;

        @Option(
                names = "--expires",
                description = "an instant (2027-06-30T00:00:00Z) or a date (2027-06-30, UTC midnight)")
        @Nullable
        String expires;

        @Option(names = "--policy", description = "rotation policy (default: the default policy)")
        @Nullable
        String policy;

        @Option(
                names = "--vault",
                description = "a Vault KV path under keybridge's mount; repeatable",
                paramLabel = "PATH")
        @Nullable
        List<String> vault;

        @Option(
                names = "--aws",
                description = "an AWS secret name, optionally NAME@REGION; repeatable",
                paramLabel = "SECRET")
        @Nullable
        List<String> aws;

        @Option(
                names = "--destination",
                description = "a destination of any type the server has, as TYPE:PATH (vault:crm/api-key); repeatable",
                paramLabel = "TYPE:PATH")
        @Nullable
        List<String> others;

        @Option(
                names = "--consumer",
                description = "how the service reads its key, for every destination: KIND or KIND:REFRESH"
                        + " (vault-agent:PT1M, external-secrets, csi-driver, aws-caching-client, aws-lambda-extension,"
                        + " startup-only:P1D, custom:PT10M); rotations then keep the old key valid for two refreshes",
                paramLabel = "KIND[:REFRESH]")
        @Nullable
        String consumer;

        @Override
        public Integer call() {
            KeybridgeCli root = keys.root();
            List<Map<String, Object>> destinations = new ArrayList<>();
            for (String path : vault == null ? List.<String>of() : vault) {
                destinations.add(Map.of("type", "vault", "path", path));
            }
            for (String secret : aws == null ? List.<String>of() : aws) {
                int at = secret.lastIndexOf('@');
                Map<String, Object> destination = new LinkedHashMap<>();
                destination.put("type", "aws");
                destination.put("secretId", at < 0 ? secret : secret.substring(0, at));
                if (at >= 0) {
                    destination.put("region", secret.substring(at + 1));
                }
                destinations.add(destination);
            }
            for (String destination : others == null ? List.<String>of() : others) {
                int colon = destination.indexOf(':');
                if (colon <= 0 || colon == destination.length() - 1) {
                    throw new ApiException(
                            ExitCodes.BAD_INPUT, "--destination is TYPE:PATH, e.g. vault:crm-sync/api-key");
                }
                // the server knows the types and their rules: the CLI passes the destination on as it was given
                destinations.add(
                        Map.of("type", destination.substring(0, colon), "path", destination.substring(colon + 1)));
            }
            if (destinations.isEmpty()) {
                throw new ApiException(
                        ExitCodes.BAD_INPUT,
                        "give at least one destination: --vault PATH, --aws SECRET or --destination TYPE:PATH");
            }
            if (consumer != null) {
                // the server checks the kind and the interval, and names the field it refuses
                int colon = consumer.indexOf(':');
                Map<String, String> profile = colon < 0
                        ? Map.of("kind", consumer)
                        : Map.of(
                                "kind", consumer.substring(0, colon), "refreshInterval", consumer.substring(colon + 1));
                destinations = destinations.stream()
                        .<Map<String, Object>>map(destination -> {
                            Map<String, Object> withConsumer = new LinkedHashMap<>(destination);
                            withConsumer.put("consumer", profile);
                            return withConsumer;
                        })
                        .toList();
            }
            Map<String, Object> request = new LinkedHashMap<>();
            request.put("name", name);
            request.put("environment", environment);
            request.put("scopes", scopes);
            request.put("owner", owner);
            if (description != null) {
                request.put("description", description);
            }
            if (expires != null) {
                request.put("expiresAt", expires.length() == 10 ? expires + "T00:00:00Z" : expires);
            }
            if (policy != null) {
                request.put("rotationPolicy", policy);
            }
            request.put("destinations", destinations);
            JsonNode created = root.client().call(api -> api.createKey(request));
            if (root.json) {
                root.printJson(created);
                return ExitCodes.OK;
            }
            root.out.println("Issued " + created.path("name").asString() + " ("
                    + created.path("id").asString() + "), "
                    + created.path("prefix").asString() + "…");
            for (JsonNode destination : created.path("destinations")) {
                root.out.println("  delivered to " + KeyText.destination(destination));
                if (destination.path("consumer").isObject()) {
                    root.out.println("    read by " + KeyText.consumer(destination.path("consumer")));
                }
            }
            root.out.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "rename", description = "Give a key a new name.", mixinStandardHelpOptions = true)
    static final class RenameKey implements Callable<Integer> {
        @ParentCommand
        @Nullable
        KeysCommand keys;

        @Parameters(index = "0", paramLabel = "KEY")
        @Nullable
        String key;

        @Parameters(index = "1", paramLabel = "NEW_NAME")
        @Nullable
        String newName;

        @Override
        public Integer call() {
            KeybridgeCli root = keys.root();
            KeybridgeClient client = root.client();
            String id = KeyReference.resolve(client, key);
            JsonNode renamed = client.call(api -> api.updateKey(id, Map.of("name", newName)));
            if (root.json) {
                root.printJson(renamed);
            } else {
                root.out.println("Renamed " + renamed.path("id").asString() + " to "
                        + renamed.path("name").asString());
                root.out.flush();
            }
            return ExitCodes.OK;
        }
    }

    @Command(
            name = "revoke",
            description =
                    "Revoke a key for good: no version verifies again, and its secret is removed from its destinations.",
            mixinStandardHelpOptions = true)
    static final class RevokeKey implements Callable<Integer> {
        @ParentCommand
        @Nullable
        KeysCommand keys;

        @Parameters(paramLabel = "KEY")
        @Nullable
        String key;

        @Option(names = "--reason", required = true, description = "why, for the audit trail")
        @Nullable
        String reason;

        @Option(names = "--yes", description = "do not ask for confirmation (scripts)")
        boolean yes;

        @Override
        public Integer call() {
            KeybridgeCli root = keys.root();
            KeybridgeClient client = root.client();
            String id = KeyReference.resolve(client, key);
            if (!yes) {
                JsonNode found = client.call(api -> api.key(id));
                String name = found.path("name").asString();
                java.io.Console console = System.console();
                if (console == null) {
                    throw new ApiException(
                            ExitCodes.BAD_INPUT,
                            "revoking is final: add --yes to confirm when there is no terminal to ask");
                }
                String typed = console.readLine("Revoking is final. Type the key's name (%s) to confirm: ", name);
                if (typed == null || !typed.strip().equals(name)) {
                    throw new ApiException(ExitCodes.BAD_INPUT, "not revoked: the name typed did not match");
                }
            }
            JsonNode revoked = client.call(api -> api.revoke(id, Map.of("reason", reason)));
            if (root.json) {
                root.printJson(revoked);
            } else {
                root.out.println("Revoked " + revoked.path("name").asString() + " (" + id + ") at "
                        + revoked.path("revokedAt").asString() + ": no version verifies any more.");
                root.out.flush();
            }
            return ExitCodes.OK;
        }
    }

    @Command(
            name = "suspend",
            description = "Suspend a key: no version verifies until an ADMIN resumes it; nothing is removed.",
            mixinStandardHelpOptions = true)
    static final class SuspendKey implements Callable<Integer> {
        @ParentCommand
        @Nullable
        KeysCommand keys;

        @Parameters(paramLabel = "KEY")
        @Nullable
        String key;

        @Option(names = "--reason", required = true, description = "why, for the audit trail")
        @Nullable
        String reason;

        @Override
        public Integer call() {
            KeybridgeCli root = keys.root();
            KeybridgeClient client = root.client();
            String id = KeyReference.resolve(client, key);
            JsonNode suspended = client.call(api -> api.suspend(id, Map.of("reason", reason)));
            return root.report(
                    suspended,
                    "Suspended " + suspended.path("name").asString() + " (" + id
                            + "): no version verifies until it is resumed.");
        }
    }

    @Command(
            name = "resume",
            description = "Resume a suspended key: the versions consumers hold verify again at once.",
            mixinStandardHelpOptions = true)
    static final class ResumeKey implements Callable<Integer> {
        @ParentCommand
        @Nullable
        KeysCommand keys;

        @Parameters(paramLabel = "KEY")
        @Nullable
        String key;

        @Override
        public Integer call() {
            KeybridgeCli root = keys.root();
            KeybridgeClient client = root.client();
            String id = KeyReference.resolve(client, key);
            JsonNode resumed = client.call(api -> api.resume(id));
            return root.report(resumed, "Resumed " + resumed.path("name").asString() + " (" + id + ").");
        }
    }
}
