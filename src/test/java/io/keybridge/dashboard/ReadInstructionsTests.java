package io.keybridge.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.keybridge.keys.DeliveryState;
import io.keybridge.lifecycle.DestinationStatus;
import org.junit.jupiter.api.Test;

class ReadInstructionsTests {

    @Test
    void awsRefsWithARegionAnAccountOrNeitherGiveTheCommandTheConsumerRuns() {
        assertThat(ReadInstructions.of(aws("aws:secretsmanager:keybridge/crm")))
                .startsWith("aws secretsmanager get-secret-value --secret-id keybridge/crm --query");
        assertThat(ReadInstructions.of(aws("aws:secretsmanager:eu-west-1:keybridge/crm")))
                .contains("--secret-id keybridge/crm --region eu-west-1 --query");
        assertThat(ReadInstructions.of(aws("aws:secretsmanager::111111111111:keybridge/crm")))
                .contains("--secret-id keybridge/crm --query")
                .endsWith("# in account 111111111111, as its consumer");
        assertThat(ReadInstructions.of(aws("aws:secretsmanager:eu-west-1:111111111111:keybridge/crm")))
                .contains("--secret-id keybridge/crm --region eu-west-1 --query");
    }

    private static DestinationStatus aws(String ref) {
        return new DestinationStatus("aws", ref, "v1", DeliveryState.values()[0], null);
    }
}
