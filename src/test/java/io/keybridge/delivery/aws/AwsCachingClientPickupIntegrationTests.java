package io.keybridge.delivery.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.keybridge.support.Api;
import io.keybridge.support.IntegrationTest;
import io.keybridge.support.KeyRequests;
import io.keybridge.support.Moto;
import io.keybridge.support.PickupConsumer;
import io.keybridge.support.RotationHistory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A real consumer of AWS Secrets Manager: a Python service reading its key through the AWS caching client
 * ({@code aws-secretsmanager-caching}, a one-second TTL, declared to keybridge as two) from moto before each call of
 * {@code /verify}, through a rotation: never refused, on the new key before the old one is revoked.
 */
class AwsCachingClientPickupIntegrationTests extends IntegrationTest {

    private static final String SERVICE = """
            import hashlib, json, os, sys, time, urllib.error, urllib.request
            import botocore.session
            from aws_secretsmanager_caching import SecretCache, SecretCacheConfig
            secret_id, kb, token = sys.argv[1], sys.argv[2], sys.argv[3]
            client = botocore.session.get_session().create_client(
                "secretsmanager", endpoint_url=os.environ["ENDPOINT"], region_name="us-east-1",
                aws_access_key_id="testing", aws_secret_access_key="testing")
            cache = SecretCache(config=SecretCacheConfig(secret_refresh_interval=1), client=client)
            while True:
                key = json.loads(cache.get_secret_string(secret_id))["api_key"]
                request = urllib.request.Request(kb + "/api/v1/verify", b"{}", method="POST", headers={
                    "Authorization": "Bearer " + token, "X-API-Key": key, "Content-Type": "application/json"})
                try:
                    with urllib.request.urlopen(request) as answer:
                        status = answer.status
                except urllib.error.HTTPError as refused:
                    status = refused.code
                print(int(time.time() * 1000), hashlib.sha256(key.encode()).hexdigest()[:16], status, flush=True)
                time.sleep(0.05)
            """;

    @Test
    void aServiceReadingThroughTheCachingClientMovesToTheNewKeyBeforeTheOldOneIsRevoked() throws Exception {
        String secretId = unique("aws-cached") + "/api-key";
        Api.Response created = api.post(
                "/api/v1/keys",
                ADMIN,
                KeyRequests.key(
                        unique("aws-cached"),
                        "pickup",
                        null,
                        List.of(Map.of(
                                "type",
                                "aws",
                                "secretId",
                                secretId,
                                "consumer",
                                Map.of("kind", "aws-caching-client", "refreshInterval", "PT2S")))));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = created.json().path("id").asString();
        try (PickupConsumer service = PickupConsumer.process(
                Moto.server().pythonProcess(SERVICE, "keybridge/" + secretId, "http://127.0.0.1:" + port, VERIFIER))) {
            awaitCalls(service, Instant.now());

            Api.Response tooShort = api.post("/api/v1/keys/" + id + "/rotate", ADMIN, Map.of("overlap", "PT3S"));
            assertThat(tooShort.status()).as("shorter than two refreshes").isEqualTo(400);
            Api.Response rotated = api.post("/api/v1/keys/" + id + "/rotate", ADMIN, Map.of("overlap", "PT4S"));
            assertThat(rotated.status()).as(rotated.body()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(() -> assertThat(latestRotationState(id)).isEqualTo("COMPLETED"));
            JsonNode rotation = RotationHistory.of(api, AUDITOR, id).getFirst();
            awaitCalls(service, Instant.parse(rotation.path("oldRevokedAt").asString()));

            service.assertPickedUpBeforeRevocation(List.of(rotation), "AWS caching client, TTL 1 s, through moto");
        } finally {
            assertThat(api.post("/api/v1/keys/" + id + "/revoke", ADMIN, Map.of("reason", "test over"))
                            .status())
                    .isEqualTo(200);
        }
    }

    private static void awaitCalls(PickupConsumer service, Instant after) {
        await().atMost(Duration.ofSeconds(30))
                .failFast("the service exited (its error is in the test's output)", () -> !service.alive())
                .until(() -> service.callsAfter(after) >= 10);
    }
}
