package io.keybridge.cli;

import java.io.PrintWriter;
import tools.jackson.databind.JsonNode;

/** How the command line writes a key, and where it went, for people. */
final class KeyText {

    private KeyText() {}

    static void describe(PrintWriter out, JsonNode key) {
        field(out, "name", key.path("name").asString());
        field(out, "id", key.path("id").asString());
        field(
                out,
                "prefix",
                key.path("prefix").asString() + "…  (version "
                        + key.path("currentVersion").asInt() + ")");
        field(out, "environment", key.path("environment").asString());
        field(out, "scopes", scopes(key));
        field(out, "owner", key.path("owner").asString());
        field(out, "status", key.path("status").asString());
        String error = key.path("rotationError").asString("");
        field(
                out,
                "rotation",
                key.path("rotation").asString() + "  policy "
                        + key.path("rotationPolicy").asString() + ", next "
                        + orDash(key.path("nextRotationAt").asString(""))
                        + (error.isBlank() ? "" : "  (" + error + ")"));
        field(out, "last used", when(key.path("lastUsedAt").asString("never")));
        field(out, "expires", when(key.path("expiresAt").asString("never")));
        if (!key.path("revokedAt").isMissingNode() && !key.path("revokedAt").isNull()) {
            field(
                    out,
                    "revoked",
                    key.path("revokedAt").asString() + "  "
                            + key.path("revokeReason").asString(""));
        }
        for (JsonNode destination : key.path("destinations")) {
            field(out, "delivered to", destination(destination));
            JsonNode consumer = destination.path("consumer");
            if (consumer.isObject()) {
                field(out, "  read by", consumer(consumer));
            }
        }
        out.flush();
    }

    /** {@code secret/keybridge/x version 3 (CONFIRMED)} */
    static String destination(JsonNode destination) {
        String version = destination.path("version").asString("");
        return destination.path("ref").asString() + (version.isBlank() ? "" : " version " + version) + " ("
                + destination.path("state").asString() + ")";
    }

    /** {@code vault-agent every PT5M: the old key stays valid at least PT10M after a rotation} */
    static String consumer(JsonNode consumer) {
        String grace = consumer.path("restartGrace").asString("PT0S");
        return consumer.path("kind").asString() + " every "
                + consumer.path("refreshInterval").asString()
                + (grace.equals("PT0S") ? "" : " (restart grace " + grace + ")")
                + ": the old key stays valid at least "
                + consumer.path("requiredOverlap").asString()
                + " after a rotation";
    }

    static String scopes(JsonNode key) {
        StringBuilder scopes = new StringBuilder();
        for (JsonNode scope : key.path("scopes")) {
            scopes.append(scopes.isEmpty() ? "" : " ").append(scope.asString());
        }
        return scopes.toString();
    }

    static String orDash(String text) {
        return text == null || text.isBlank() ? "-" : when(text);
    }

    /** An instant to the second ({@code 2027-02-28T19:37:05Z}): what a person needs of it. */
    static String when(String instant) {
        try {
            return java.time.Instant.parse(instant)
                    .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                    .toString();
        } catch (java.time.format.DateTimeParseException e) {
            return instant;
        }
    }

    private static void field(PrintWriter out, String name, String value) {
        out.printf("%-13s %s%n", name, value);
    }
}
