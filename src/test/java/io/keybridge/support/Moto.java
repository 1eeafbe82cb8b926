package io.keybridge.support;

import io.keybridge.support.faults.FaultProxy;
import io.keybridge.support.faults.SwitchableProxy;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;

/**
 * A real {@code moto_server} (the AWS API emulator, from {@code pip install "moto[server]"} in the project's
 * virtualenv) on a free loopback port, started once for the whole test run, and {@code boto3} reading from it as a
 * consumer would.
 */
public final class Moto {

    public static final String REGION = "us-east-1";
    private static volatile Moto server;

    private final Path python;
    private final Process process;
    private final String endpoint;
    private final FaultProxy faults;
    private final SwitchableProxy proxy;

    private Moto() throws IOException, InterruptedException {
        Path project = Path.of(System.getProperty("user.dir"));
        Path moto = OpenBao.executable("keybridge.test.moto", project.resolve(".venv/bin/moto_server"));
        this.python = OpenBao.executable("keybridge.test.python", project.resolve(".venv/bin/python"));
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        this.endpoint = "http://127.0.0.1:" + port;
        Path log = project.resolve("target/moto-it.log");
        Files.createDirectories(log.getParent());
        this.process = new ProcessBuilder(moto.toString(), "-H", "127.0.0.1", "-p", String.valueOf(port))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        awaitUp();
        // keybridge -> a proxy that can be taken down -> a proxy that injects AWS errors and delays -> moto
        this.faults = new FaultProxy(endpoint);
        this.proxy = new SwitchableProxy(URI.create(faults.endpoint()).getPort());
    }

    /** The running server (starting it on first use). Also gives the SDK moto's fake credentials. */
    public static synchronized Moto server() {
        if (server == null) {
            try {
                server = new Moto();
            } catch (IOException e) {
                throw new IllegalStateException("could not start moto_server: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "moto-stop"));
            // the SDK's default credentials chain reads these first; moto accepts any
            System.setProperty("aws.accessKeyId", "testing");
            System.setProperty("aws.secretAccessKey", "testing");
        }
        return server;
    }

    /** Stops the server; again is harmless. */
    void stop() {
        process.destroy();
    }

    public String endpoint() {
        return endpoint;
    }

    /** The endpoint keybridge is given: moto behind a proxy that tests can take down ({@link #proxy()}). */
    public String proxiedEndpoint() {
        return "http://127.0.0.1:" + proxy.port();
    }

    public SwitchableProxy proxy() {
        return proxy;
    }

    /** Injects AWS errors and delays into keybridge's calls, and records them. */
    public FaultProxy faults() {
        return faults;
    }

    /**
     * Reads a secret as a consumer would, with {@code boto3}: {@code GetSecretValue} of the given stage. Prints
     * {@code {"versionId": …, "stages": […], "value": {…}}}.
     */
    public OpenBao.Cli read(String secretName, String stage) {
        return read(secretName, stage, REGION);
    }

    /** {@link #read(String, String)} in the given region. */
    public OpenBao.Cli read(String secretName, String stage, String region) {
        String script = """
                import boto3, json, os, sys
                client = boto3.client("secretsmanager", endpoint_url=os.environ["ENDPOINT"], region_name="%s",
                                      aws_access_key_id="testing", aws_secret_access_key="testing")
                secret = client.get_secret_value(SecretId=sys.argv[1], VersionStage=sys.argv[2])
                print(json.dumps({"versionId": secret["VersionId"], "stages": secret["VersionStages"],
                                  "value": json.loads(secret["SecretString"])}))
                """.formatted(region);
        return OpenBao.run(List.of(python.toString(), "-c", script, secretName, stage), Map.of("ENDPOINT", endpoint));
    }

    /** Runs a Python script (boto3 at hand, moto's endpoint in {@code ENDPOINT}) with these arguments. */
    public OpenBao.Cli python(String script, String... arguments) {
        List<String> command = new java.util.ArrayList<>(List.of(python.toString(), "-c", script));
        command.addAll(List.of(arguments));
        return OpenBao.run(command, Map.of("ENDPOINT", endpoint));
    }

    /** A Python program of its own (boto3 and the caching client at hand, moto's endpoint in {@code ENDPOINT}). */
    public ProcessBuilder pythonProcess(String script, String... arguments) {
        List<String> command = new java.util.ArrayList<>(List.of(python.toString(), "-u", "-c", script));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("ENDPOINT", endpoint);
        return builder;
    }

    /** {@code DescribeSecret} with boto3: versions and their stages, tags, KMS key. */
    public OpenBao.Cli describe(String secretName) {
        String script = """
                import boto3, json, os, sys
                client = boto3.client("secretsmanager", endpoint_url=os.environ["ENDPOINT"], region_name="%s",
                                      aws_access_key_id="testing", aws_secret_access_key="testing")
                secret = client.describe_secret(SecretId=sys.argv[1])
                print(json.dumps({"versions": secret.get("VersionIdsToStages", {}),
                                  "tags": {t["Key"]: t["Value"] for t in secret.get("Tags", [])},
                                  "kmsKeyId": secret.get("KmsKeyId")}))
                """.formatted(REGION);
        return OpenBao.run(List.of(python.toString(), "-c", script, secretName), Map.of("ENDPOINT", endpoint));
    }

    /** Writes a version labelled {@code AWSPENDING} only, as a rotation interrupted after its write leaves it. */
    public OpenBao.Cli putPending(String secretName, String value) {
        String script = """
                import boto3, os, sys
                client = boto3.client("secretsmanager", endpoint_url=os.environ["ENDPOINT"], region_name="%s",
                                      aws_access_key_id="testing", aws_secret_access_key="testing")
                print(client.put_secret_value(SecretId=sys.argv[1], SecretString=sys.argv[2],
                                              VersionStages=["AWSPENDING"])["VersionId"])
                """.formatted(REGION);
        return OpenBao.run(List.of(python.toString(), "-c", script, secretName, value), Map.of("ENDPOINT", endpoint));
    }

    /** Removes a tag from a secret with boto3, as a person tidying tags by hand would. */
    public OpenBao.Cli untag(String secretName, String tagKey) {
        String script = """
                import boto3, os, sys
                client = boto3.client("secretsmanager", endpoint_url=os.environ["ENDPOINT"], region_name="%s",
                                      aws_access_key_id="testing", aws_secret_access_key="testing")
                client.untag_resource(SecretId=sys.argv[1], TagKeys=[sys.argv[2]])
                """.formatted(REGION);
        return OpenBao.run(List.of(python.toString(), "-c", script, secretName, tagKey), Map.of("ENDPOINT", endpoint));
    }

    /** Creates a secret keybridge does not manage (no tags), as another team would. */
    public OpenBao.Cli create(String secretName, String value) {
        String script = """
                import boto3, os, sys
                client = boto3.client("secretsmanager", endpoint_url=os.environ["ENDPOINT"], region_name="%s",
                                      aws_access_key_id="testing", aws_secret_access_key="testing")
                client.create_secret(Name=sys.argv[1], SecretString=sys.argv[2])
                """.formatted(REGION);
        return OpenBao.run(List.of(python.toString(), "-c", script, secretName, value), Map.of("ENDPOINT", endpoint));
    }

    private void awaitUp() throws InterruptedException {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Awaitility.await("moto_server listening (see target/moto-it.log)")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .ignoreExceptionsInstanceOf(IOException.class) // not listening yet
                .failFast("moto_server exited; see target/moto-it.log", () -> !process.isAlive())
                .until(() -> http.send(
                                        HttpRequest.newBuilder(URI.create(endpoint + "/moto-api/"))
                                                .build(),
                                        HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        > 0);
    }
}
