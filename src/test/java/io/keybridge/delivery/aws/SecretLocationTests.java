package io.keybridge.delivery.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretLocationTests {

    @Test
    void aPlainSecretIdIsItsOwnPath() {
        SecretLocation location = SecretLocation.parse("crm-sync/api-key");

        assertThat(location).isEqualTo(new SecretLocation(null, "crm-sync/api-key", null, Map.of()));
        assertThat(location.path()).isEqualTo("crm-sync/api-key");
        assertThat(location.ref("keybridge/")).isEqualTo("aws:secretsmanager:keybridge/crm-sync/api-key");
    }

    @Test
    void optionsSurviveTheRoundTripWhateverTheirCharacters() {
        SecretLocation location = new SecretLocation(
                "eu-west-1",
                "crm/api+key=@x",
                "arn:aws:kms:eu-west-1:123456789012:alias/crm",
                Map.of("cost center", "a&b=c?d", "team", "crm/eu"));

        assertThat(location.path()).startsWith("crm/api+key=@x?region=eu-west-1&kms=");
        assertThat(SecretLocation.parse(location.path())).isEqualTo(location);
        assertThat(location.ref("keybridge/")).isEqualTo("aws:secretsmanager:eu-west-1:keybridge/crm/api+key=@x");
    }
}
