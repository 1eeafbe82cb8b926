package io.keybridge.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * A key as the user names it on the command line: its id, or its name when that names exactly one key that is not
 * revoked (at 2 a.m. a responder knows the name, not the id).
 */
final class KeyReference {

    private KeyReference() {}

    static String resolve(KeybridgeClient client, String reference) {
        try {
            return UUID.fromString(reference).toString();
        } catch (IllegalArgumentException notAnId) {
            // a name, then
        }
        JsonNode page = client.call(api -> api.keys(KeybridgeClient.query(Map.of("q", reference, "size", 500))));
        List<JsonNode> named = new ArrayList<>();
        for (JsonNode key : page.path("items")) {
            if (key.path("name").asString("").equals(reference)
                    && !"REVOKED".equals(key.path("status").asString(""))) {
                named.add(key);
            }
        }
        if (named.isEmpty()) {
            throw new ApiException(ExitCodes.NOT_FOUND, "no key that is not revoked is named '" + reference + "'");
        }
        if (named.size() > 1) {
            StringBuilder owners = new StringBuilder();
            for (JsonNode key : named) {
                owners.append(System.lineSeparator())
                        .append("  ")
                        .append(key.path("id").asString())
                        .append("  owner ")
                        .append(key.path("owner").asString());
            }
            throw new ApiException(
                    ExitCodes.BAD_INPUT,
                    named.size() + " keys are named '" + reference + "'; give the id instead:" + owners);
        }
        return named.getFirst().path("id").asString();
    }
}
