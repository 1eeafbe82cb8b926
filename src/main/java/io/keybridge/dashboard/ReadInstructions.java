package io.keybridge.dashboard;

import io.keybridge.lifecycle.DestinationStatus;
import io.keybridge.lifecycle.KeyDetails;

/** Where a key went and how the consuming service reads it: the command, never the key. */
final class ReadInstructions {

    private static final String AWS_PREFIX = "aws:secretsmanager:";

    private ReadInstructions() {}

    static String of(DestinationStatus destination) {
        String ref = destination.ref();
        if (ref.startsWith(AWS_PREFIX)) {
            // [region:]name, or [region]:account:name for a secret in another account; a name has no ':'
            String[] parts = ref.substring(AWS_PREFIX.length()).split(":", -1);
            String name = parts[parts.length - 1];
            String region = parts.length > 1 && !parts[0].isEmpty() ? " --region " + parts[0] : "";
            String account = parts.length > 2 ? "   # in account " + parts[1] + ", as its consumer" : "";
            return "aws secretsmanager get-secret-value --secret-id " + name + region
                    + " --query SecretString --output text | jq -r .api_key" + account;
        }
        return "vault kv get -field=api_key " + ref;
    }

    /** {@code secret/keybridge/crm-sync/api-key version 3, aws:secretsmanager:eu-west-1:crm-sync version …} */
    static String deliveredTo(KeyDetails details) {
        return String.join(
                ", ",
                details.destinations().stream()
                        .map(d -> d.ref() + (d.version() == null ? "" : " version " + d.version()))
                        .toList());
    }
}
