package io.keybridge.rotation;

import io.keybridge.config.PolicyFiles;
import io.keybridge.lifecycle.RotationPolicyLookup;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.quartz.CronExpression;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The rotation policies, loaded once at start from {@code keybridge.rotation.policies}. Every file is validated, and
 * the first broken rule stops start-up with a message naming the file, the field and the rule.
 */
@Component
public class RotationPolicies implements RotationPolicyLookup {

    /** The policy of keys that name none. */
    public static final String DEFAULT = "default";

    private static final Logger log = LoggerFactory.getLogger(RotationPolicies.class);
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
    private static final Set<String> FIELDS = Set.of(
            "name",
            "rotateEvery",
            "cron",
            "timeZone",
            "overlap",
            "rotateBeforeExpiry",
            "keyLifetime",
            "revokeAtDestination",
            "revokeOldWhen",
            "drainQuiet");

    private final Map<String, RotationPolicy> byName;

    public RotationPolicies(RotationProperties properties) {
        this.byName = load(properties.policies(), properties.minimumOverlap(), properties.maximumOverlap());
        log.info("rotation policies loaded from {}: {}", PolicyFiles.describe(properties.policies()), byName.keySet());
    }

    /** The policy of that name. */
    public Optional<RotationPolicy> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /**
     * The policy of that name, which must exist (keys only name policies that existed when they were set).
     *
     * @throws IllegalStateException if it was removed from the policy folder since
     */
    public RotationPolicy get(String name) {
        return find(name)
                .orElseThrow(() -> new IllegalStateException(
                        "rotation policy '" + name + "' is used by a key but no longer defined in the policy folder"));
    }

    @Override
    public boolean exists(String name) {
        return byName.containsKey(name);
    }

    @Override
    public Duration shortestInterval(String name) {
        return get(name).shortestInterval();
    }

    @Override
    public Duration overlap(String name) {
        return get(name).overlap();
    }

    @Override
    public @Nullable Duration keyLifetime(String name) {
        return get(name).keyLifetime();
    }

    public Collection<RotationPolicy> all() {
        return byName.values();
    }

    /** The longest duration any policy field may give (ten years). */
    static final Duration LONGEST_DURATION = Duration.ofDays(3650);

    /** ISO-8601 as people write it: {@code P30D} rather than {@code PT720H}. */
    static String readable(Duration duration) {
        return duration.toSeconds() % 86_400 == 0 && duration.getNano() == 0
                ? "P" + duration.toDays() + "D"
                : duration.toString();
    }

    static Map<String, RotationPolicy> load(Path folder, Duration minimumOverlap, Duration maximumOverlap) {
        return load(folder.toString(), minimumOverlap, maximumOverlap);
    }

    /**
     * @param location a folder, or {@code classpath:policies/rotation} for the policies shipped in the jar
     */
    static Map<String, RotationPolicy> load(String location, Duration minimumOverlap, Duration maximumOverlap) {
        List<PolicyFiles.PolicyFile> files;
        try {
            files = PolicyFiles.read(location)
                    .orElseThrow(() -> new RotationPolicyException(
                            PolicyFiles.describe(location),
                            "folder",
                            "does not exist: set keybridge.rotation.policies to the folder of rotation policy files"
                                    + " (or leave it unset for the policies shipped in the jar)"));
        } catch (java.io.UncheckedIOException e) {
            throw new RotationPolicyException(
                    location, "folder", "cannot be read: " + e.getCause().getMessage());
        }
        Map<String, RotationPolicy> policies = new TreeMap<>();
        for (PolicyFiles.PolicyFile file : files) {
            RotationPolicy policy =
                    parse(file.name(), new java.io.StringReader(file.text()), minimumOverlap, maximumOverlap);
            if (policies.putIfAbsent(policy.name(), policy) != null) {
                throw new RotationPolicyException(file.name(), "name", "'" + policy.name() + "' is defined twice");
            }
        }
        if (!policies.containsKey(DEFAULT)) {
            throw new RotationPolicyException(
                    location,
                    "default.yaml",
                    "is missing: a policy named 'default' is required (keys that name no policy use it)");
        }
        return Map.copyOf(policies);
    }

    static RotationPolicy parse(Path file, Duration minimumOverlap, Duration maximumOverlap) {
        try (Reader reader = Files.newBufferedReader(file)) {
            return parse(file.getFileName().toString(), reader, minimumOverlap, maximumOverlap);
        } catch (IOException e) {
            throw new RotationPolicyException(
                    file.getFileName().toString(), "file", "cannot be read: " + e.getMessage());
        }
    }

    static RotationPolicy parse(String where, Reader reader, Duration minimumOverlap, Duration maximumOverlap) {
        Object document;
        try {
            document = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
        } catch (RuntimeException e) {
            throw new RotationPolicyException(where, "file", "is not valid YAML: " + e.getMessage());
        }
        if (!(document instanceof Map<?, ?> raw)) {
            throw new RotationPolicyException(where, "file", "must be a YAML mapping of policy fields");
        }
        for (Object field : raw.keySet()) {
            if (!FIELDS.contains(String.valueOf(field))) {
                throw new RotationPolicyException(
                        where,
                        String.valueOf(field),
                        "is not a policy field; known fields: " + new java.util.TreeSet<>(FIELDS));
            }
        }
        Fields fields = new Fields(where, raw);
        String name = fields.required("name");
        if (!NAME.matcher(name).matches()) {
            throw new RotationPolicyException(where, "name", "must match " + NAME.pattern());
        }
        Duration rotateEvery = fields.duration("rotateEvery");
        String cron = fields.optional("cron");
        if ((rotateEvery == null) == (cron == null)) {
            throw new RotationPolicyException(where, "rotateEvery/cron", "exactly one of them is required");
        }
        ZoneId zone = null;
        if (cron != null) {
            if (!CronExpression.isValidExpression(cron)) {
                throw new RotationPolicyException(where, "cron", "is not a valid Quartz cron expression: " + cron);
            }
            String timeZone = fields.optional("timeZone");
            try {
                zone = timeZone == null ? ZoneId.of("UTC") : ZoneId.of(timeZone);
            } catch (RuntimeException e) {
                throw new RotationPolicyException(where, "timeZone", "is not a time zone id such as Europe/Berlin");
            }
        } else if (fields.optional("timeZone") != null) {
            throw new RotationPolicyException(where, "timeZone", "only goes with cron");
        }
        Duration overlap = requiredDuration(fields, "overlap");
        if (overlap.compareTo(minimumOverlap) < 0) {
            throw new RotationPolicyException(
                    where,
                    "overlap",
                    "must be at least " + minimumOverlap
                            + " (keybridge.rotation.minimum-overlap): consumers that re-read their secret less often would"
                            + " be left holding a revoked key");
        }
        if (overlap.compareTo(maximumOverlap) > 0) {
            throw new RotationPolicyException(
                    where,
                    "overlap",
                    "must be at most " + readable(maximumOverlap)
                            + " (keybridge.rotation.maximum-overlap): a replaced key is meant to stop working soon");
        }
        if (rotateEvery != null && overlap.compareTo(rotateEvery) >= 0) {
            throw new RotationPolicyException(where, "overlap", "must be shorter than rotateEvery");
        }
        Duration lead = requiredDuration(fields, "rotateBeforeExpiry");
        Duration lifetime = fields.duration("keyLifetime");
        if (lifetime != null && lifetime.compareTo(lead.plus(overlap)) <= 0) {
            throw new RotationPolicyException(
                    where,
                    "keyLifetime",
                    "must be longer than rotateBeforeExpiry + overlap, or every version expires before it is replaced");
        }
        RotationPolicy.RevokeAtDestination revokeAtDestination =
                fields.choice("revokeAtDestination", RotationPolicy.RevokeAtDestination.class, "destroy");
        RotationPolicy.RevokeOldWhen revokeOldWhen =
                fields.choice("revokeOldWhen", RotationPolicy.RevokeOldWhen.class, "overlapEnds");
        Duration drainQuiet = fields.duration("drainQuiet");
        if (revokeOldWhen == RotationPolicy.RevokeOldWhen.DRAINED && drainQuiet == null) {
            throw new RotationPolicyException(where, "drainQuiet", "is required with revokeOldWhen: drained");
        }
        if (revokeOldWhen != RotationPolicy.RevokeOldWhen.DRAINED && drainQuiet != null) {
            throw new RotationPolicyException(where, "drainQuiet", "only goes with revokeOldWhen: drained");
        }
        return new RotationPolicy(
                name, rotateEvery, cron, zone, overlap, lead, lifetime, revokeAtDestination, revokeOldWhen, drainQuiet);
    }

    private static Duration requiredDuration(Fields fields, String field) {
        Duration value = fields.duration(field);
        if (value == null) {
            throw new RotationPolicyException(fields.file, field, "is required (an ISO-8601 duration such as PT24H)");
        }
        return value;
    }

    /** Typed access to a policy file's fields, with errors that name the file and the field. */
    private record Fields(String file, Map<?, ?> raw) {

        @Nullable
        String optional(String field) {
            Object value = raw.get(field);
            return value == null ? null : String.valueOf(value).strip();
        }

        String required(String field) {
            String value = optional(field);
            if (value == null || value.isEmpty()) {
                throw new RotationPolicyException(file, field, "is required");
            }
            return value;
        }

        @Nullable
        Duration duration(String field) {
            String value = optional(field);
            if (value == null) {
                return null;
            }
            try {
                Duration duration = Duration.parse(value);
                if (duration.isNegative() || duration.isZero()) {
                    throw new RotationPolicyException(file, field, "must be positive");
                }
                if (duration.compareTo(LONGEST_DURATION) > 0) {
                    // nothing about a key's life is planned further ahead; beyond this, instants overflow
                    throw new RotationPolicyException(file, field, "must be at most " + readable(LONGEST_DURATION));
                }
                return duration;
            } catch (DateTimeParseException e) {
                throw new RotationPolicyException(
                        file, field, "is not an ISO-8601 duration (e.g. PT24H, P90D): " + value);
            }
        }

        <E extends Enum<E>> E choice(String field, Class<E> type, String fallback) {
            String value = optional(field);
            String text = value == null ? fallback : value;
            // soft-delete -> SOFT_DELETE, overlapEnds -> OVERLAP_ENDS
            String constant =
                    text.replaceAll("([a-z])([A-Z])", "$1_$2").replace('-', '_').toUpperCase(Locale.ROOT);
            try {
                return Enum.valueOf(type, constant);
            } catch (IllegalArgumentException e) {
                throw new RotationPolicyException(
                        file,
                        field,
                        "must be one of "
                                + java.util.Arrays.stream(type.getEnumConstants())
                                        .map(c -> c.name()
                                                .toLowerCase(Locale.ROOT)
                                                .replace('_', '-'))
                                        .toList());
            }
        }
    }
}
