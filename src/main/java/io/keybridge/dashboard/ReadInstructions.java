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
            String rest = ref.substring(AWS_PREFIX.length());
            int colon = rest.indexOf(':');
            // a secret's name cannot contain ':', so anything before one is the region
            String region = colon < 0 ? "" : " --region " + rest.substring(0, colon);
            String name = colon < 0 ? rest : rest.substring(colon + 1);
            return "aws secretsmanager get-secret-value --secret-id " + name + region
                    + " --query SecretString --output text | jq -r .api_key";
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
