package io.keybridge.delivery.aws;

import io.github.bucket4j.Bucket;
import io.keybridge.delivery.DestinationException;
import io.keybridge.delivery.DestinationFields;
import io.keybridge.delivery.FormField;
import io.keybridge.delivery.Intent;
import io.keybridge.delivery.InvalidDestinationException;
import io.keybridge.delivery.PathNotManagedException;
import io.keybridge.delivery.SecretDestination;
import io.keybridge.delivery.SecretPayload;
import io.keybridge.delivery.VersionNotHeldException;
import io.keybridge.keys.KeyMaterial;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClientBuilder;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.secretsmanager.model.SecretsManagerException;
import software.amazon.awssdk.services.secretsmanager.model.Tag;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.StsClientBuilder;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;
import tools.jackson.databind.json.JsonMapper;

/**
 * Delivers keys into AWS Secrets Manager as AWS's own rotation does, so that consumers reading {@code AWSCURRENT}
 * (ECS, Lambda, the caching clients) work unchanged.
 *
 * <p>The first delivery creates the secret ({@code CreateSecret}, tagged {@code managed-by=keybridge} and
 * {@code key-id}). Every later version is written with {@code PutSecretValue} as {@code AWSPENDING}, with the
 * keybridge version id as {@code ClientRequestToken}, so a retried write never creates a second version; then
 * {@code AWSCURRENT} moves to it ({@code UpdateSecretVersionStage}) and the one it replaced becomes
 * {@code AWSPREVIOUS}. Confirmation reads {@code DescribeSecret} only: keybridge's IAM policy grants no
 * {@code GetSecretValue}. The secret string is JSON with the same fields as the Vault payload.
 */
@Component
public class SecretsManagerDestination implements SecretDestination {

    public static final String TYPE = "aws";
    /** How the references of secrets here begin ({@link SecretLocation#ref}). */
    private static final String REF_PREFIX = "aws:secretsmanager:";

    private static final Logger log = LoggerFactory.getLogger(SecretsManagerDestination.class);
    private static final String CURRENT = "AWSCURRENT";
    private static final String PENDING = "AWSPENDING";
    private static final String PREVIOUS = "AWSPREVIOUS";
    /** AWS's rule for secret names: 1–512 of letters, digits and {@code /_+=.@-}. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9/_+=.@-]{1,512}");
    /** AWS appends "-" and six characters to make an ARN; a name that ends like that confuses ARN lookups. */
    private static final Pattern ARN_LIKE_SUFFIX = Pattern.compile(".*-[A-Za-z0-9]{6}");
    /** AWS region codes: us-east-1, eu-central-2, us-gov-west-1, ap-southeast-4, … */
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-[0-9]{1,2}");
    /** IAM role ARNs, in any partition. */
    private static final Pattern ROLE_ARN =
            Pattern.compile("arn:aws(-[a-z]+)*:iam::[0-9]{12}:role/[\\w+=,.@/-]{1,512}");
    /** STS's rule for external ids. */
    private static final Pattern EXTERNAL_ID = Pattern.compile("[\\w+=,.@:/-]{2,1224}");
    /** Key ids, key ARNs, alias names and alias ARNs. */
    private static final Pattern KMS_KEY = Pattern.compile("[A-Za-z0-9:/_+=.@-]{1,256}");
    /** AWS's tag character set. */
    private static final Pattern TAG_TEXT = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+@-]*");

    private static final Set<String> OWN_TAGS = Set.of("managed-by", "key-id");
    private static final int MAX_TAGS = 20;
    /** The width of the column the destination is stored in. */
    private static final int MAX_PATH = 4000;

    /** A secret name no key uses, described by the health probe (allowed by policies/aws/keybridge-iam.json). */
    private static final String PROBE_NAME = "keybridge-health-probe";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final AwsProperties properties;
    /** For {@code sts:GetCallerIdentity}, built on first use. */
    private final java.util.concurrent.atomic.AtomicReference<StsClient> sts =
            new java.util.concurrent.atomic.AtomicReference<>();
    /**
     * One client per region a destination names ({@code ""}: the default region), each built on first use, so that
     * keybridge starts without any AWS configuration when no key goes to AWS.
     */
    private final Map<String, SecretsManagerClient> clients = new ConcurrentHashMap<>();
    /** The roles of the destinations used since start, by client: the health says who keybridge is in each. */
    private final Map<String, AssumedRole> roles = new ConcurrentHashMap<>();
    /** AWS's write quota is per account and region, so is keybridge's limit: one bucket per region and account. */
    private final Map<String, Bucket> writeLimits = new ConcurrentHashMap<>();

    SecretsManagerDestination(AwsProperties properties) {
        if (properties.writesPerSecond() < 1) {
            throw new IllegalStateException("keybridge.aws.writes-per-second must be at least 1");
        }
        this.properties = properties;
    }

    @Override
    public String type() {
        return TYPE;
    }

    /** {@code [region:]name}, or {@code [region]:account:name} for a secret in another account; a name has no ':'. */
    @Override
    public String readCommand(String ref) {
        String[] parts =
                ref.substring(ref.indexOf(REF_PREFIX) + REF_PREFIX.length()).split(":", -1);
        String name = parts[parts.length - 1];
        String region = parts.length > 1 && !parts[0].isEmpty() ? " --region " + parts[0] : "";
        String account = parts.length > 2 ? "   # in account " + parts[1] + ", as its consumer" : "";
        return "aws secretsmanager get-secret-value --secret-id " + name + region
                + " --query SecretString --output text | jq -r .api_key" + account;
    }

    /** AWS advises at most one {@code PutSecretValue} per secret every 10 minutes, sustained. */
    @Override
    public Duration minimumRotationInterval() {
        return Duration.ofMinutes(10);
    }

    /**
     * Describes the secret: it must still exist, not be scheduled for deletion, and carry keybridge's tag (which the
     * IAM policy's writes are conditioned on). Permission to write cannot be tested without writing.
     */
    @Override
    public void preflight(String path) {
        DescribeSecretResponse secret = describe(path);
        String ref = refFor(path);
        if (secret == null) {
            throw new DestinationException(ref, "the secret no longer exists: the next rotation would fail");
        }
        if (secret.deletedDate() != null) {
            throw new DestinationException(
                    ref, "the secret is scheduled for deletion on " + secret.deletedDate() + ": restore it");
        }
        boolean tagged = secret.tags().stream()
                .anyMatch(tag -> "managed-by".equals(tag.key()) && "keybridge".equals(tag.value()));
        if (!tagged) {
            throw new DestinationException(
                    ref,
                    "the secret lost its managed-by=keybridge tag, which keybridge's IAM"
                            + " policy requires for writing: the next rotation would be refused");
        }
    }

    /** Configured when a region or endpoint is set for keybridge or the SDK; else keybridge runs without AWS. */
    @Override
    public @Nullable String probe() {
        if (!StringUtils.hasText(properties.region())
                && properties.endpoint() == null
                && !StringUtils.hasText(System.getenv("AWS_REGION"))
                && !StringUtils.hasText(System.getenv("AWS_DEFAULT_REGION"))) {
            return null;
        }
        describe(PROBE_NAME); // absent is fine: the answer proves AWS is reachable and accepts keybridge's credentials
        return "DescribeSecret " + name(PROBE_NAME) + identity();
    }

    /**
     * Who keybridge is at AWS ({@code sts:GetCallerIdentity}, which needs no permission), for the health and the
     * start-up line. Not asked when Secrets Manager's endpoint is overridden and STS's is not: STS would then be the
     * public one, which a private setup (or a test) does not reach.
     */
    private String identity() {
        if (properties.endpoint() != null && properties.stsEndpoint() == null) {
            return "";
        }
        StsClient sts = this.sts.updateAndGet(client -> client != null ? client : stsClient(properties));
        StringBuilder identity = new StringBuilder();
        try {
            identity.append(" as ").append(sts.getCallerIdentity().arn());
        } catch (SdkException e) {
            identity.append(" (sts:GetCallerIdentity failed: ")
                    .append(e.getClass().getSimpleName())
                    .append(")");
        }
        // each role a destination named since start, with the session keybridge holds of it (or why it has none)
        roles.values().stream()
                .sorted(java.util.Comparator.comparing(role -> role.location().roleArn()))
                .forEach(role -> {
                    identity.append("; role ").append(role.location().roleArn());
                    try {
                        identity.append(" as ")
                                .append(sts.getCallerIdentity(request -> request.overrideConfiguration(
                                                configuration -> configuration.credentialsProvider(role.credentials())))
                                        .arn());
                    } catch (SdkException e) {
                        identity.append(" (")
                                .append(
                                        e instanceof AwsServiceException refused && refused.awsErrorDetails() != null
                                                ? "refused: "
                                                        + refused.awsErrorDetails()
                                                                .errorCode()
                                                : "no session: " + e.getClass().getSimpleName())
                                .append(")");
                    }
                });
        return identity.toString();
    }

    private static StsClient stsClient(AwsProperties properties) {
        StsClientBuilder builder = StsClient.builder()
                .overrideConfiguration(configuration -> configuration
                        .apiCallAttemptTimeout(properties.attemptTimeout())
                        .apiCallTimeout(properties.callTimeout()));
        if (StringUtils.hasText(properties.region())) {
            builder.region(Region.of(properties.region()));
        }
        if (properties.stsEndpoint() != null) {
            builder.endpointOverride(properties.stsEndpoint());
        }
        return builder.build();
    }

    @Override
    public String displayName() {
        return "AWS Secrets Manager";
    }

    /**
     * {@code secretId} (or {@code path}): the secret's name below keybridge's prefix; optionally {@code region},
     * {@code kmsKeyId}, {@code tags}, and a role in another account ({@code roleArn}, {@code externalId}), written
     * down as one location ({@link SecretLocation}) that {@link #refFor} checks.
     */
    @Override
    public String location(DestinationFields fields) {
        fields.onlyThese(TYPE, List.of("secretId", "path", "region", "kmsKeyId", "tags", "roleArn", "externalId"));
        if (fields.has("secretId") == fields.has("path")) {
            throw new InvalidDestinationException(
                    "", "destination-path", "an aws destination needs exactly one of secretId or path");
        }
        String secretId = java.util.Objects.requireNonNull(
                fields.has("secretId") ? fields.text("secretId", 512) : fields.text("path", 512));
        if (secretId.indexOf('?') >= 0 || secretId.indexOf('&') >= 0) {
            throw new InvalidDestinationException(
                    "secret-name", "a secret name has no '?' or '&' (give region, kmsKeyId and tags as fields)");
        }
        String roleArn = fields.text("roleArn", 2048);
        String externalId = fields.text("externalId", 1224);
        if (externalId != null && roleArn == null) {
            throw new InvalidDestinationException("externalId", "external-id", "externalId goes with roleArn");
        }
        return new SecretLocation(
                        fields.text("region", 32),
                        secretId,
                        fields.text("kmsKeyId", 256),
                        fields.textMap("tags", 256),
                        roleArn,
                        externalId)
                .path();
    }

    @Override
    public List<FormField> formFields() {
        return List.of(new FormField("region", "AWS region", 32));
    }

    @Override
    public String refFor(String path) {
        SecretLocation location = SecretLocation.parse(path);
        String name = location.name(properties.namePrefix());
        if (path.length() > MAX_PATH) {
            throw new InvalidDestinationException("options", "the destination's options are too long");
        }
        if (location.region() != null && !REGION.matcher(location.region()).matches()) {
            throw new InvalidDestinationException(
                    "region",
                    "region",
                    "region must be an AWS region code such as eu-west-1, not " + location.region());
        }
        if (location.kmsKeyId() != null && !KMS_KEY.matcher(location.kmsKeyId()).matches()) {
            throw new InvalidDestinationException(
                    "kmsKeyId", "kms-key-id", "kmsKeyId is a KMS key id, key ARN, alias name (alias/…) or alias ARN");
        }
        validateTags(location.tags());
        if (location.roleArn() != null && !ROLE_ARN.matcher(location.roleArn()).matches()) {
            throw new InvalidDestinationException(
                    "roleArn",
                    "role-arn",
                    "roleArn is an IAM role ARN such as arn:aws:iam::111111111111:role/keybridge-delivery");
        }
        if (location.externalId() != null
                && !EXTERNAL_ID.matcher(location.externalId()).matches()) {
            throw new InvalidDestinationException(
                    "externalId", "external-id", "externalId is 2 to 1224 letters, digits and _+=,.@:/-");
        }
        if (!NAME.matcher(name).matches()) {
            throw new InvalidDestinationException(
                    "secret-name",
                    "an AWS secret name is 1 to 512 letters, digits and /_+=.@- (with the prefix "
                            + properties.namePrefix() + ")");
        }
        if (ARN_LIKE_SUFFIX.matcher(name).matches()) {
            throw new InvalidDestinationException(
                    "secret-name",
                    "a secret name must not end with a hyphen and six characters (AWS reads it as an ARN)");
        }
        String secretId = location.secretId();
        if (secretId.startsWith("/") || secretId.contains("//") || secretId.contains("..")) {
            throw new InvalidDestinationException(
                    "secret-name", "a secret name has no empty segments, no leading slash and no '..'");
        }
        return location.ref(properties.namePrefix());
    }

    private static void validateTags(Map<String, String> tags) {
        if (tags.size() > MAX_TAGS) {
            throw new InvalidDestinationException("tags", "tags", "at most " + MAX_TAGS + " tags per destination");
        }
        tags.forEach((key, value) -> {
            if (!TAG_TEXT.matcher(key).matches() || key.isEmpty() || key.length() > 128) {
                throw new InvalidDestinationException(
                        "tags", "tags", "a tag key is 1 to 128 letters, digits, spaces and _.:/=+-@");
            }
            if (key.toLowerCase(Locale.ROOT).startsWith("aws:") || OWN_TAGS.contains(key)) {
                throw new InvalidDestinationException(
                        "tags",
                        "tags",
                        "tag keys starting with aws: and keybridge's own " + OWN_TAGS + " are reserved");
            }
            if (!TAG_TEXT.matcher(value).matches() || value.length() > 256) {
                throw new InvalidDestinationException(
                        "tags", "tags", "a tag value is up to 256 letters, digits, spaces and _.:/=+-@");
            }
        });
    }

    @Override
    public Intent prepare(String path, SecretPayload payload) {
        String version = payload.versionId().toString();
        DescribeSecretResponse secret = describe(path);
        if (secret == null) {
            return new Intent(version, true);
        }
        Map<String, String> tags = tags(secret);
        if (!"keybridge".equals(tags.get("managed-by"))) {
            throw new PathNotManagedException(
                    refFor(path), "the secret exists and keybridge does not manage it; choose another name");
        }
        if (secret.deletedDate() != null) {
            throw new DestinationException(
                    refFor(path), "the secret is scheduled for deletion; restore it at AWS or choose another name");
        }
        secret.versionIdsToStages().forEach((id, stages) -> {
            if (stages.contains(PENDING) && !stages.contains(CURRENT) && !id.equals(version)) {
                // what an interrupted rotation leaves; PutSecretValue moves the label to the new version
                log.warn("{}: version {} still holds AWSPENDING; the new version takes it over", refFor(path), id);
            }
        });
        boolean tagged = payload.keyId().toString().equals(tags.get("key-id"));
        return new Intent(version, false, tagged);
    }

    @Override
    public Intent write(String path, Intent intent, SecretPayload payload, KeyMaterial material) {
        SecretLocation location = SecretLocation.parse(path);
        String name = location.name(properties.namePrefix());
        String value = secretString(payload, material);
        if (intent.createsPath()) {
            call(
                    path,
                    "CreateSecret",
                    true,
                    aws -> aws.createSecret(request -> {
                        request.name(name)
                                .clientRequestToken(intent.remoteVersion())
                                .secretString(value)
                                .description("API key delivered by keybridge; read AWSCURRENT")
                                .tags(tags(location, payload));
                        String kmsKeyId = kmsKeyId(location);
                        if (kmsKeyId != null) {
                            request.kmsKeyId(kmsKeyId);
                        }
                    }));
            return intent; // a new secret's first version is AWSCURRENT
        }
        call(
                path,
                "PutSecretValue",
                true,
                aws -> aws.putSecretValue(request -> request.secretId(name)
                        .clientRequestToken(intent.remoteVersion())
                        .secretString(value)
                        .versionStages(PENDING)));
        DescribeSecretResponse secret = describe(path);
        String current = secret == null ? null : holderOf(secret, CURRENT);
        if (!intent.remoteVersion().equals(current)) {
            call(
                    path,
                    "UpdateSecretVersionStage",
                    false,
                    aws -> aws.updateSecretVersionStage(request -> {
                        request.secretId(name).versionStage(CURRENT).moveToVersionId(intent.remoteVersion());
                        if (current != null) {
                            request.removeFromVersionId(current); // it becomes AWSPREVIOUS
                        }
                    }));
        }
        boolean pending = secret != null
                && secret.versionIdsToStages()
                        .getOrDefault(intent.remoteVersion(), List.of())
                        .contains(PENDING);
        if (pending) { // absent when this write repeats one that got this far
            removeStage(path, PENDING, intent.remoteVersion());
        }
        if (!intent.metadataCurrent()) {
            call(
                    path,
                    "TagResource",
                    false,
                    aws -> aws.tagResource(
                            request -> request.secretId(name).tags(tags(SecretLocation.parse(path), payload))));
        }
        return intent;
    }

    @Override
    public void confirm(String path, Intent intent, SecretPayload payload) {
        DescribeSecretResponse secret = describe(path);
        if (secret == null) {
            throw new VersionNotHeldException(refFor(path), "the secret is missing from AWS");
        }
        List<String> stages = secret.versionIdsToStages().getOrDefault(intent.remoteVersion(), List.of());
        if (!stages.contains(CURRENT)) {
            throw new VersionNotHeldException(
                    refFor(path),
                    "AWSCURRENT is on version " + holderOf(secret, CURRENT) + ", not the written version "
                            + intent.remoteVersion());
        }
        String keyId = tags(secret).get("key-id");
        if (!payload.keyId().toString().equals(keyId)) {
            throw new VersionNotHeldException(refFor(path), "the secret's tags name another key: " + keyId);
        }
    }

    @Override
    public void remove(String path, Intent intent, Removal removal, WrittenVersion written) {
        String name = name(path);
        if (removal == Removal.DISCARD && intent.createsPath()) {
            // created for this key alone and never handed out: leave no trace
            call(
                    path,
                    "DeleteSecret",
                    false,
                    aws -> aws.deleteSecret(request -> request.secretId(name).forceDeleteWithoutRecovery(true)));
            return;
        }
        DescribeSecretResponse secret = describe(path);
        if (secret == null) {
            return;
        }
        List<String> stages = secret.versionIdsToStages().getOrDefault(intent.remoteVersion(), List.of());
        for (String stage : stages) {
            if (stage.equals(CURRENT)) {
                // a never-published version that became current: give AWSCURRENT back to the one it replaced
                String previous = holderOf(secret, PREVIOUS);
                if (previous != null) {
                    call(
                            path,
                            "UpdateSecretVersionStage",
                            false,
                            aws -> aws.updateSecretVersionStage(request -> request.secretId(name)
                                    .versionStage(CURRENT)
                                    .moveToVersionId(previous)
                                    .removeFromVersionId(intent.remoteVersion())));
                }
                continue;
            }
            // without labels a version is deprecated: no consumer reading by stage gets it, and AWS deletes it
            removeStage(path, stage, intent.remoteVersion());
        }
    }

    /** Takes a stage off a version (the version keeps its other stages). */
    private void removeStage(String path, String stage, String versionId) {
        call(
                path,
                "UpdateSecretVersionStage",
                false,
                aws -> aws.updateSecretVersionStage(request ->
                        request.secretId(name(path)).versionStage(stage).removeFromVersionId(versionId)));
    }

    private @Nullable DescribeSecretResponse describe(String path) {
        String name = name(path);
        try {
            return call(path, "DescribeSecret", false, aws -> aws.describeSecret(request -> request.secretId(name)));
        } catch (DestinationException e) {
            if (e.getCause() instanceof ResourceNotFoundException) {
                return null;
            }
            throw e;
        }
    }

    private String name(String path) {
        return SecretLocation.parse(path).name(properties.namePrefix());
    }

    /** keybridge's own tags, then the destination's. */
    private static List<Tag> tags(SecretLocation location, SecretPayload payload) {
        List<Tag> tags = new ArrayList<>();
        tags.add(tag("managed-by", "keybridge"));
        tags.add(tag("key-id", payload.keyId().toString()));
        location.tags().forEach((key, value) -> tags.add(tag(key, value)));
        return tags;
    }

    private @Nullable String kmsKeyId(SecretLocation location) {
        if (location.kmsKeyId() != null) {
            return location.kmsKeyId();
        }
        return StringUtils.hasText(properties.kmsKeyId()) ? properties.kmsKeyId() : null;
    }

    private static String secretString(SecretPayload payload, KeyMaterial material) {
        return JSON.writeValueAsString(payload.fields(material));
    }

    private static @Nullable String holderOf(DescribeSecretResponse secret, String stage) {
        return secret.versionIdsToStages().entrySet().stream()
                .filter(entry -> entry.getValue().contains(stage))
                .map(Map.Entry::getKey)
                .findFirst()
                .orElse(null);
    }

    private static Map<String, String> tags(DescribeSecretResponse secret) {
        Map<String, String> tags = new LinkedHashMap<>();
        secret.tags().forEach(tag -> tags.put(tag.key(), tag.value()));
        return tags;
    }

    private static Tag tag(String key, String value) {
        return Tag.builder().key(key).value(value).build();
    }

    /**
     * Runs one AWS call, turning its failure into a {@link DestinationException} that says what went wrong and what
     * to do, with AWS's own message (which never holds the request, so never the key). The SDK has already retried,
     * with backoff, what retrying can help: throttling, 5xx, attempts that timed out.
     */
    private <T> T call(
            String path, String operation, boolean refusalMeansNothingWritten, Function<SecretsManagerClient, T> call) {
        SecretLocation location = SecretLocation.parse(path);
        String ref = location.ref(properties.namePrefix());
        SecretsManagerClient aws = clients.computeIfAbsent(clientKey(location), key -> build(properties, location));
        if (!operation.startsWith("Describe")) {
            try {
                // queue here rather than be throttled by AWS
                writeLimits
                        .computeIfAbsent(
                                aws.serviceClientConfiguration().region() + "|" + location.account(),
                                region -> writeLimit())
                        .asBlocking()
                        .consume(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DestinationException(ref, "AWS " + operation + " not sent: interrupted", e, true);
            }
        }
        try {
            return call.apply(aws);
        } catch (SecretsManagerException e) {
            boolean refused = e.statusCode() >= 400 && e.statusCode() < 500;
            throw new DestinationException(
                    ref,
                    AwsErrors.explain(operation, location.name(properties.namePrefix()), e, kmsKeyId(location)),
                    e,
                    refusalMeansNothingWritten && refused);
        } catch (SdkException e) {
            // no answer (connection refused, every attempt timed out, no credentials): a write may have landed
            throw new DestinationException(ref, AwsErrors.explain(operation, e), e, false);
        }
    }

    /**
     * A steady {@code writes-per-second} with a burst of a quarter of it: in any one second at most 1.25 times the
     * rate (50 at the default 40, AWS's quota). A full second's burst would let twice the rate through the first
     * second of a bulk run (measured: 81 writes in its busiest second), which AWS would throttle.
     */
    private Bucket writeLimit() {
        int perSecond = properties.writesPerSecond();
        return Bucket.builder()
                .addLimit(limit ->
                        limit.capacity(Math.max(1, perSecond / 4)).refillGreedy(perSecond, Duration.ofSeconds(1)))
                .build();
    }

    /** One client per region and role: a role's session is the client's credentials, refreshed before it expires. */
    private static String clientKey(SecretLocation location) {
        return (location.region() == null ? "" : location.region()) + "|"
                + (location.roleArn() == null ? "" : location.roleArn()) + "|"
                + (location.externalId() == null ? "" : location.externalId());
    }

    private SecretsManagerClient build(AwsProperties properties, SecretLocation location) {
        SecretsManagerClientBuilder builder = SecretsManagerClient.builder()
                .overrideConfiguration(configuration -> configuration
                        .apiCallAttemptTimeout(properties.attemptTimeout())
                        .apiCallTimeout(properties.callTimeout()));
        Region region = location.region() != null
                ? Region.of(location.region())
                : StringUtils.hasText(properties.region()) ? Region.of(properties.region()) : null;
        if (region != null) {
            builder.region(region);
        }
        if (properties.endpoint() != null) {
            builder.endpointOverride(properties.endpoint());
        }
        if (location.roleArn() != null) {
            builder.credentialsProvider(roles.computeIfAbsent(
                            clientKey(location),
                            key -> new AssumedRole(location, assumedRole(properties, region, location)))
                    .credentials());
        }
        return builder.build();
    }

    /** A destination's role and the credentials provider that keeps a session of it. */
    private record AssumedRole(SecretLocation location, StsAssumeRoleCredentialsProvider credentials) {}

    /**
     * The destination's role, assumed with keybridge's own credentials; the SDK's provider refreshes the session before
     * it expires, so a long run never uses an expired one.
     */
    private static StsAssumeRoleCredentialsProvider assumedRole(
            AwsProperties properties, @Nullable Region region, SecretLocation location) {
        StsClientBuilder sts = StsClient.builder();
        if (region != null) {
            sts.region(region);
        }
        if (properties.stsEndpoint() != null) {
            sts.endpointOverride(properties.stsEndpoint());
        }
        AssumeRoleRequest.Builder request =
                AssumeRoleRequest.builder().roleArn(location.roleArn()).roleSessionName("keybridge");
        if (location.externalId() != null) {
            request.externalId(location.externalId());
        }
        Duration session = properties.roleSessionDuration();
        request.durationSeconds(Math.toIntExact(session.toSeconds()));
        // the SDK's defaults (renew 5 min before the end, block callers from 1 min before it), shortened for sessions
        // so short that those would renew on every call
        return StsAssumeRoleCredentialsProvider.builder()
                .stsClient(sts.build())
                .refreshRequest(request.build())
                .prefetchTime(min(Duration.ofMinutes(5), session.dividedBy(2)))
                .staleTime(min(Duration.ofMinutes(1), session.dividedBy(4)))
                .build();
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
