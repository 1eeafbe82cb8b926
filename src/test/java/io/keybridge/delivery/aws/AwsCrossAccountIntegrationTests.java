package io.keybridge.delivery.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.keybridge.support.Api;
import io.keybridge.support.IntegrationTest;
import io.keybridge.support.Moto;
import io.keybridge.support.OpenBao;
import io.keybridge.support.SecretHygiene;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * One keybridge delivering into another AWS account: a destination names the role keybridge assumes there
 * ({@code roleArn}, {@code externalId}), and moto, whose STS gives a session in the role's account, keeps the secret in
 * that account. {@code boto3} reads it back as the consumer in that account would, and finds none in keybridge's own.
 */
class AwsCrossAccountIntegrationTests extends IntegrationTest {

    private static final String OTHER_ACCOUNT = "111111111111";
    private static final String ROLE = "arn:aws:iam::" + OTHER_ACCOUNT + ":role/keybridge-delivery";

    @Test
    void aDestinationWithARoleArnCreatesItsSecretInThatAccount() {
        String secretId = unique("cross-account") + "/api-key";
        Map<String, Object> destination =
                Map.of("type", "aws", "secretId", secretId, "roleArn", ROLE, "externalId", "keybridge-prod");
        Api.Response created = issueTo("platform", List.of(destination));

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.body()).contains("aws:secretsmanager::" + OTHER_ACCOUNT + ":keybridge/" + secretId);
        OpenBao.Cli inTheirAccount = readAs(ROLE, "keybridge/" + secretId);
        assertThat(inTheirAccount.exitCode()).as(inTheirAccount.stderr()).isZero();
        SecretHygiene.remember(inTheirAccount.stdout().strip());
        assertThat(inTheirAccount.stdout()).startsWith("ee_live_");
        OpenBao.Cli inOurs = Moto.server().read("keybridge/" + secretId, "AWSCURRENT");
        assertThat(inOurs.exitCode()).as("not in keybridge's own account").isNotZero();
        assertThat(inOurs.stderr()).contains("ResourceNotFoundException");
    }

    @Test
    void aRoleArnThatIsNotOneIsRefusedBeforeAnythingIsWritten() {
        Api.Response refused = issueTo(
                "platform",
                List.of(Map.of(
                        "type", "aws", "secretId", unique("bad-role") + "/k", "roleArn", "arn:aws:s3:::bucket/x")));
        Api.Response orphanExternalId = issueTo(
                "platform", List.of(Map.of("type", "aws", "secretId", unique("bad-role") + "/k", "externalId", "xy")));

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body()).contains("roleArn is an IAM role ARN");
        assertThat(orphanExternalId.status()).isEqualTo(400);
        assertThat(orphanExternalId.body()).contains("externalId goes with roleArn");
    }

    /** The secret's value as a consumer in the role's account reads it: boto3, with a session of that role. */
    private static OpenBao.Cli readAs(String role, String name) {
        String script = """
                import boto3, json, os, sys
                sts = boto3.client("sts", endpoint_url=os.environ["ENDPOINT"], region_name="%s",
                                   aws_access_key_id="testing", aws_secret_access_key="testing")
                session = sts.assume_role(RoleArn=sys.argv[1], RoleSessionName="consumer")["Credentials"]
                client = boto3.client("secretsmanager", endpoint_url=os.environ["ENDPOINT"], region_name="%s",
                                      aws_access_key_id=session["AccessKeyId"],
                                      aws_secret_access_key=session["SecretAccessKey"],
                                      aws_session_token=session["SessionToken"])
                print(json.loads(client.get_secret_value(SecretId=sys.argv[2])["SecretString"])["api_key"])
                """.formatted(Moto.REGION, Moto.REGION);
        return Moto.server().python(script, role, name);
    }
}
