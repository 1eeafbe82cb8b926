package io.keybridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.keybridge.support.CliRun;
import io.keybridge.support.IntegrationTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The command line against the running keybridge, as a script would use it: output, --json and exit codes. */
class CliIntegrationTests extends IntegrationTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void createsAKeyAndSaysWhereItWentNeverWhatItIs() {
        // within keybridge.keys.maximum-lifetime (five years) of today
        String expires = java.time.LocalDate.now(java.time.ZoneOffset.UTC)
                .plusYears(2)
                .withDayOfMonth(1)
                .toString();
        String name = unique("prod_cli_sync_revops");
        String path = "cli/" + name;

        CliRun created = cli(
                ADMIN,
                "keys",
                "create",
                "--name",
                name,
                "--owner",
                "revops",
                "--scope",
                "lists:read",
                "--scope",
                "leads:read",
                "--vault",
                path,
                "--expires",
                expires);

        assertThat(created.code()).as(created.err()).isZero();
        assertThat(created.out())
                .contains("Issued " + name)
                .contains("delivered to secret/keybridge/" + path + " version 1 (CONFIRMED)");
        String key = readKeyAsConsumer(path);
        assertThat(created.out()).doesNotContain(key.substring(12));
        assertThat(api.verify(VERIFIER, key, List.of("leads:read")).status()).isEqualTo(200);

        CliRun shown = cli(AUDITOR, "keys", "show", name);
        assertThat(shown.code()).isZero();
        assertThat(shown.out())
                .contains("name          " + name)
                .contains("scopes        leads:read lists:read")
                .contains("expires       " + expires + "T00:00:00Z")
                .contains("delivered to  secret/keybridge/" + path + " version 1");
    }

    @Test
    void aKeyCreatedWithItsConsumerShowsWhatARotationKeepsAndAPolicyTooShortForItIsRefused() {
        String name = unique("cli_agent");
        String path = "cli/" + name;

        CliRun tooShort = cli(
                ADMIN,
                "keys",
                "create",
                "--name",
                name,
                "--owner",
                "revops",
                "--scope",
                "lists:read",
                "--vault",
                path,
                "--policy",
                "fast",
                "--consumer",
                "vault-agent");
        assertThat(tooShort.code()).as(tooShort.out()).isNotZero();
        assertThat(tooShort.err()).contains("the shortest overlap that works is PT10M");

        CliRun created = cli(
                ADMIN,
                "keys",
                "create",
                "--name",
                name,
                "--owner",
                "revops",
                "--scope",
                "lists:read",
                "--vault",
                path,
                "--consumer",
                "vault-agent:PT1M");
        assertThat(created.code()).as(created.err()).isZero();
        assertThat(created.out())
                .contains("read by")
                .contains("vault-agent every PT1M: the old key stays valid at least PT2M after a rotation");
        CliRun shown = cli(AUDITOR, "keys", "show", name);
        assertThat(shown.out())
                .contains("read by")
                .contains("vault-agent every PT1M: the old key stays valid at least PT2M after a rotation");
        readKeyAsConsumer(path);
    }

    @Test
    void listsKeysAsATableOrAsJson() {
        String owner = unique("cliowner");
        issue(unique("alpha"), owner, "cli/" + unique("alpha"), List.of("lists:read"));
        issue(unique("beta"), owner, "cli/" + unique("beta"), List.of("leads:write"));

        CliRun table = cli(AUDITOR, "keys", "list", "--owner", owner);
        assertThat(table.code()).isZero();
        List<String> lines = table.out().lines().toList();
        assertThat(lines.getFirst())
                .startsWith("ID")
                .contains("NAME")
                .contains("PREFIX")
                .contains("NEXT ROTATION");
        assertThat(lines).hasSize(3);
        assertThat(table.out()).contains("alpha-").contains("beta-").contains("ee_live_");

        CliRun json = cli(AUDITOR, "keys", "list", "--owner", owner, "--scope", "leads:write", "--json");
        JsonNode page = JSON.readTree(json.out());
        assertThat(page.path("totalItems").asInt()).isEqualTo(1);
        assertThat(page.path("items").get(0).path("name").asString()).startsWith("beta-");
    }

    @Test
    void renamesRotatesAndEmergencyRotatesByName() {
        String name = unique("cli_rotating");
        String path = "cli/" + name;
        issue(name, "cli", path, List.of("lists:read"));
        String first = readKeyAsConsumer(path);
        String renamed = unique("cli_renamed");

        assertThat(cli(ADMIN, "keys", "rename", name, renamed).code()).isZero();
        CliRun rotated = cli(ADMIN, "rotate", renamed, "--overlap", "PT1H");
        assertThat(rotated.code()).as(rotated.err()).isZero();
        assertThat(rotated.out())
                .contains("MANUAL rotation")
                .contains("version 1 -> 2")
                .contains("old version keeps verifying until")
                .contains("secret/keybridge/" + path + " version 2");
        String second = readKeyAsConsumer(path);
        assertThat(api.verify(VERIFIER, first, List.of()).status()).isEqualTo(200);

        CliRun emergency =
                cli(RESPONDER, "emergency-rotate", renamed, "--reason", "pasted in chat", "--incident", "INC-9");
        assertThat(emergency.code()).as(emergency.err()).isZero();
        assertThat(emergency.out()).contains("EMERGENCY rotation").contains("old version revoked at");
        assertThat(api.verify(VERIFIER, first, List.of()).status()).isEqualTo(401);
        assertThat(api.verify(VERIFIER, second, List.of()).status()).isEqualTo(401);
        assertThat(api.verify(VERIFIER, readKeyAsConsumer(path), List.of()).status())
                .isEqualTo(200);

        CliRun audit = cli(AUDITOR, "audit", "--key", renamed);
        assertThat(audit.code()).isZero();
        assertThat(audit.out()).contains("key.rename").contains("key.rotate").contains("key.issue");
    }

    @Test
    void revokeNeedsConfirmationWithoutATerminal() {
        String name = unique("cli_revoked");
        String path = "cli/" + name;
        issue(name, "cli", path, List.of("lists:read"));
        String key = readKeyAsConsumer(path);

        CliRun unconfirmed = cli(ADMIN, "keys", "revoke", name, "--reason", "retired");
        assertThat(unconfirmed.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(unconfirmed.err()).contains("add --yes");
        assertThat(api.verify(VERIFIER, key, List.of()).status()).isEqualTo(200);

        CliRun revoked = cli(ADMIN, "keys", "revoke", name, "--reason", "retired", "--yes");
        assertThat(revoked.code()).isZero();
        assertThat(revoked.out()).contains("Revoked " + name);
        assertThat(api.verify(VERIFIER, key, List.of()).status()).isEqualTo(401);
        // revoked keys are no longer found by name
        assertThat(cli(ADMIN, "keys", "show", name).code()).isEqualTo(ExitCodes.NOT_FOUND);
    }

    @org.springframework.beans.factory.annotation.Autowired
    io.keybridge.usage.KeyUsage usage;

    @Test
    void suspendResumeAndFindingsForTheResponderAtTwoInTheMorning() {
        String name = unique("cli_held");
        String path = "cli/" + name;
        String id = issue(name, "cli", path, List.of("lists:read"))
                .json()
                .path("id")
                .asString();
        String key = readKeyAsConsumer(path);

        CliRun suspended = cli(RESPONDER, "keys", "suspend", name, "--reason", "odd traffic");
        assertThat(suspended.code()).as(suspended.err()).isZero();
        assertThat(suspended.out()).contains("Suspended " + name);
        assertThat(api.verify(VERIFIER, key, List.of()).status()).isEqualTo(401);
        assertThat(cli(RESPONDER, "keys", "resume", name).code())
                .as("resuming is for an ADMIN")
                .isEqualTo(ExitCodes.NOT_ALLOWED);
        assertThat(cli(ADMIN, "keys", "resume", name).out()).contains("Resumed " + name);
        assertThat(api.verify(VERIFIER, key, List.of()).status()).isEqualTo(200);

        for (int i = 0; i < 2; i++) {
            api.post("/api/v1/verify", VERIFIER, Map.of("clientAddress", "192.0.2.1"), Map.of("X-API-Key", key));
        }
        api.patch("/api/v1/keys/" + id, ADMIN, Map.of("allowedSources", List.of("10.0.0.0/8")));
        api.post("/api/v1/verify", VERIFIER, Map.of("clientAddress", "192.0.2.1"), Map.of("X-API-Key", key));
        usage.flush();
        CliRun findings = cli(
                AUDITOR,
                "findings",
                "--key",
                name,
                "--severity",
                "HIGH",
                "--status",
                "OPEN",
                "--status",
                "ACKNOWLEDGED");
        assertThat(findings.code()).as(findings.err()).isZero();
        assertThat(findings.out()).contains("SOURCE_NOT_ALLOWED", "HIGH", "OPEN", "refused 1× from outside");
        assertThat(cli(AUDITOR, "--json", "findings", "--kind", "NOPE").code()).isEqualTo(ExitCodes.BAD_INPUT);

        // and moved along its life from the command line
        String findingId = api.get("/api/v1/findings?kind=SOURCE_NOT_ALLOWED&keyId=" + id, AUDITOR)
                .json()
                .path("items")
                .get(0)
                .path("id")
                .asString();
        assertThat(findings.out()).contains(findingId);
        assertThat(cli(AUDITOR, "findings", "acknowledge", findingId, "--note", "mine")
                        .code())
                .as("an AUDITOR reads findings and does not act on them")
                .isEqualTo(ExitCodes.NOT_ALLOWED);
        CliRun acknowledged = cli(RESPONDER, "findings", "acknowledge", findingId, "--note", "asking the owners");
        assertThat(acknowledged.code()).as(acknowledged.err()).isZero();
        assertThat(acknowledged.out()).contains("Acknowledged SOURCE_NOT_ALLOWED " + findingId);
        CliRun twice = cli(RESPONDER, "findings", "acknowledge", findingId, "--note", "again");
        assertThat(twice.code()).isEqualTo(ExitCodes.CONFLICT);
        assertThat(twice.err()).contains("ACKNOWLEDGED");
        CliRun resolved = cli(ADMIN, "--json", "findings", "resolve", findingId, "--reason", "allow-list was wrong");
        assertThat(resolved.code()).as(resolved.err()).isZero();
        assertThat(resolved.out()).contains("RESOLVED", "allow-list was wrong");
    }

    @Test
    void incidentDryRunChangesNothingAndARunShowsProgressUntilEveryKeyIsDelivered() {
        String owner = unique("cliincident");
        List<String> paths = List.of("cli/" + unique("i1"), "cli/" + unique("i2"));
        List<String> old = paths.stream()
                .map(path -> {
                    issue(unique("inc"), owner, path, List.of("lists:read"));
                    return readKeyAsConsumer(path);
                })
                .toList();

        CliRun dry = cli(RESPONDER, "incident", "--owner", owner, "--reason", "drill", "--dry-run");
        assertThat(dry.code()).isZero();
        assertThat(dry.out()).contains("2 key(s) would be rotated (dry run: nothing changed)");
        assertThat(api.verify(VERIFIER, old.getFirst(), List.of()).status()).isEqualTo(200);

        CliRun run = cli(RESPONDER, "incident", "--owner", owner, "--reason", "CI log exposed", "--poll", "PT0.1S");

        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.err())
                .contains("Contained: all 2 key(s) stopped verifying")
                .contains("2/2 delivered, 0 failed\n")
                .as("no bar and no carriage return when standard error is not a terminal")
                .doesNotContain("\r")
                .doesNotContain("[#");
        assertThat(run.out()).contains("2 key(s): 2 delivered, 0 failed");
        for (String key : old) {
            assertThat(api.verify(VERIFIER, key, List.of()).status()).isEqualTo(401);
        }
        for (String path : paths) {
            assertThat(api.verify(VERIFIER, readKeyAsConsumer(path), List.of()).status())
                    .isEqualTo(200);
        }
        assertThat(cli(RESPONDER, "incident", "--reason", "everything?").code()).isEqualTo(ExitCodes.BAD_INPUT);
    }

    @Test
    void auditVerifyChecksTheHashChainAndExportWritesJsonLines() {
        String name = unique("cli_audited");
        issue(name, "cli", "cli/" + name, List.of("lists:read"));
        CliRun intact = cli(AUDITOR, "audit", "verify");
        assertThat(intact.code()).as(intact.err()).isZero();
        assertThat(intact.out()).startsWith("audit chain intact: ");

        long id = jdbc.sql("SELECT MAX(id) FROM audit_events WHERE action = 'key.issue'")
                .query(Long.class)
                .single();
        String actor = jdbc.sql("SELECT actor FROM audit_events WHERE id = :id")
                .param("id", id)
                .query(String.class)
                .single();
        jdbc.sql("UPDATE audit_events SET actor = 'nobody' WHERE id = :id")
                .param("id", id)
                .update();
        CliRun broken = cli(AUDITOR, "audit", "verify");
        jdbc.sql("UPDATE audit_events SET actor = :actor WHERE id = :id")
                .param("actor", actor)
                .param("id", id)
                .update();
        assertThat(broken.code()).isEqualTo(ExitCodes.AUDIT_CHAIN_BROKEN);
        assertThat(broken.out()).contains("audit chain BROKEN at entry #").contains("(row id " + id + ")");
        assertThat(cli(AUDITOR, "audit", "verify").code()).isZero();

        CliRun export = cli(AUDITOR, "audit", "export");
        assertThat(export.code()).isZero();
        List<String> lines = export.out().lines().toList();
        assertThat(lines).isNotEmpty();
        assertThat(JSON.readTree(lines.getLast()).path("hash").asString()).hasSize(64);
    }

    @Test
    void exitCodesTellScriptsWhatWentWrong() {
        String name = unique("cli_codes");
        issue(name, "cli", "cli/" + name, List.of("lists:read"));

        assertThat(cli(null, "keys", "list").code()).isEqualTo(ExitCodes.NOT_ALLOWED);
        assertThat(cli("wrong-token", "keys", "list").code()).isEqualTo(ExitCodes.NOT_ALLOWED);
        CliRun forbidden = cli(AUDITOR, "rotate", name);
        assertThat(forbidden.code()).isEqualTo(ExitCodes.NOT_ALLOWED);
        assertThat(forbidden.err()).startsWith("keybridge: Forbidden");
        assertThat(cli(ADMIN, "keys", "show", "00000000-0000-0000-0000-000000000000")
                        .code())
                .isEqualTo(ExitCodes.NOT_FOUND);
        CliRun duplicate = cli(
                ADMIN,
                "keys",
                "create",
                "--name",
                name,
                "--owner",
                "cli",
                "--scope",
                "lists:read",
                "--vault",
                "cli/" + unique("dup"));
        assertThat(duplicate.code()).isEqualTo(ExitCodes.CONFLICT);
        CliRun bad = cli(
                ADMIN,
                "keys",
                "create",
                "--name",
                "-bad",
                "--owner",
                "cli",
                "--scope",
                "lists:read",
                "--vault",
                "cli/" + unique("bad"));
        assertThat(bad.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(bad.err())
                .isEqualTo(
                        "keybridge: Invalid request: name must start with a letter or digit and contain only letters,"
                                + " digits, spaces and . _ - : ( ) /" + System.lineSeparator());
        assertThat(cli(ADMIN, "keys", "create", "--name", "x").code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(cli(ADMIN, "no-such-command").code()).isEqualTo(ExitCodes.BAD_INPUT);
        CliRun unreachable =
                CliRun.run(Map.of("KEYBRIDGE_URL", "http://127.0.0.1:1", "KEYBRIDGE_TOKEN", ADMIN), "keys", "list");
        assertThat(unreachable.code()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(unreachable.err()).contains("cannot reach keybridge at http://127.0.0.1:1/");
    }

    @Test
    void readsTheTokenFromAFileAndNeverFromTheCommandLine(@TempDir Path folder) throws Exception {
        Path file = folder.resolve("token");
        Files.writeString(file, AUDITOR + "\n");
        CliRun run = CliRun.run(
                Map.of("KEYBRIDGE_URL", "http://127.0.0.1:" + port),
                "--token-file",
                file.toString(),
                "keys",
                "list",
                "--size",
                "1");
        assertThat(run.code()).as(run.err()).isZero();
        CliRun help = cli(null, "--help");
        assertThat(help.code()).isZero();
        assertThat(help.out())
                .contains("KEYBRIDGE_TOKEN")
                .contains("Exit codes:")
                .doesNotContain("--token ");
    }

    private CliRun cli(String token, String... args) {
        return CliRun.against(port, token, args);
    }
}
