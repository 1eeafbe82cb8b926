package io.keybridge.cli;

import java.io.PrintWriter;
import tools.jackson.databind.JsonNode;

/** How the command line writes a rotation for people. */
final class RotationText {

    private RotationText() {}

    static void describe(PrintWriter out, JsonNode rotation) {
        out.printf(
                "%s rotation %s: version %s -> %s, %s%n",
                rotation.path("trigger").asString(),
                rotation.path("id").asString(),
                rotation.path("fromVersion").asString(),
                rotation.path("toVersion").asString("?"),
                rotation.path("state").asString());
        String revoked = rotation.path("oldRevokedAt").asString("");
        if (!revoked.isBlank()) {
            out.println("  old version revoked at " + KeyText.when(revoked) + " (it no longer verifies)");
        }
        String retire = rotation.path("retireAt").asString("");
        if (!retire.isBlank() && revoked.isBlank()) {
            out.println("  old version keeps verifying until " + KeyText.when(retire));
        }
        for (JsonNode destination : rotation.path("destinations")) {
            out.println("  delivered to " + KeyText.destination(destination));
        }
        String error = rotation.path("error").asString("");
        if (!error.isBlank()) {
            out.println("  error: " + error);
        }
        out.flush();
    }
}
