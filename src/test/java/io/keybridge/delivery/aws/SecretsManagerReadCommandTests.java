package io.keybridge.delivery.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The command the dashboard shows for a secret in AWS: what the consumer runs, with its region and account. */
class SecretsManagerReadCommandTests {

    private final SecretsManagerDestination aws = new SecretsManagerDestination(new AwsProperties(
            null,
            null,
            null,
            "keybridge/",
            null,
            40,
            Duration.ofSeconds(10),
            Duration.ofSeconds(60),
            Duration.ofHours(1)));

    @Test
    void refsWithARegionAnAccountOrNeitherGiveTheCommandTheConsumerRuns() {
        assertThat(aws.readCommand("aws:secretsmanager:keybridge/crm"))
                .startsWith("aws secretsmanager get-secret-value --secret-id keybridge/crm --query");
        assertThat(aws.readCommand("aws:secretsmanager:eu-west-1:keybridge/crm"))
                .contains("--secret-id keybridge/crm --region eu-west-1 --query");
        assertThat(aws.readCommand("aws:secretsmanager::111111111111:keybridge/crm"))
                .contains("--secret-id keybridge/crm --query")
                .endsWith("# in account 111111111111, as its consumer");
        assertThat(aws.readCommand("aws:secretsmanager:eu-west-1:111111111111:keybridge/crm"))
                .contains("--secret-id keybridge/crm --region eu-west-1 --query");
    }

    @Test
    void theCommandIsForTheRefItWasGivenWhateverThePrefix() {
        assertThat(aws.readCommand(new SecretLocation(null, "crm/api-key", null, java.util.Map.of()).ref("keybridge/")))
                .contains("--secret-id keybridge/crm/api-key --query");
    }
}
