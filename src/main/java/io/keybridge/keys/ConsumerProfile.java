package io.keybridge.keys;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * How the consumer of a destination reads its secret: it does not read on every request but refreshes on its own
 * clock, so an old key must stay valid until every consumer has had the chance to refresh twice (one refresh may
 * fall just before the new version lands) and, if it must restart to use what it read, until it has restarted.
 *
 * @param kind what reads the secret
 * @param refreshInterval how often it reads the secret again (for {@code startup-only}: how often it restarts)
 * @param restartGrace how long, after reading a new secret, it may take to use it (a rolling restart, a reload)
 */
public record ConsumerProfile(Kind kind, Duration refreshInterval, Duration restartGrace) {

    /** The shortest refresh interval a profile may give: keybridge's own checks are no finer than a second. */
    public static final Duration MINIMUM_REFRESH = Duration.ofSeconds(1);

    /** The longest refresh interval or restart grace: twice either must fit in the longest overlap (30 days). */
    public static final Duration MAXIMUM_INTERVAL = Duration.ofDays(15);

    public ConsumerProfile {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(refreshInterval, "refreshInterval");
        Objects.requireNonNull(restartGrace, "restartGrace");
        if (refreshInterval.compareTo(MINIMUM_REFRESH) < 0 || refreshInterval.compareTo(MAXIMUM_INTERVAL) > 0) {
            throw new IllegalArgumentException("refreshInterval must be from " + MINIMUM_REFRESH + " to "
                    + MAXIMUM_INTERVAL + ", not " + refreshInterval);
        }
        if (restartGrace.isNegative() || restartGrace.compareTo(MAXIMUM_INTERVAL) > 0) {
            throw new IllegalArgumentException(
                    "restartGrace must be from PT0S to " + MAXIMUM_INTERVAL + ", not " + restartGrace);
        }
    }

    /**
     * A profile of that kind, with the kind's documented refresh interval unless one is given.
     *
     * @throws IllegalArgumentException if the kind has no default and no interval is given, or a value is out of bounds
     */
    public static ConsumerProfile of(Kind kind, @Nullable Duration refreshInterval, @Nullable Duration restartGrace) {
        Duration refresh = refreshInterval != null ? refreshInterval : kind.defaultRefresh();
        if (refresh == null) {
            throw new IllegalArgumentException(kind.needsInterval());
        }
        return new ConsumerProfile(kind, refresh, restartGrace == null ? Duration.ZERO : restartGrace);
    }

    /** The shortest overlap that lets this consumer move to a new key before the old one stops verifying. */
    public Duration requiredOverlap() {
        return refreshInterval.multipliedBy(2).plus(restartGrace);
    }

    /** For messages: "a vault-agent consumer that refreshes every PT5M". */
    public String describe() {
        String article = "aeiou".indexOf(kind.label().charAt(0)) >= 0 ? "an " : "a ";
        return article + kind.label() + " consumer that " + (kind == Kind.STARTUP_ONLY ? "restarts" : "refreshes")
                + " every " + refreshInterval + (restartGrace.isZero() ? "" : " (restart grace " + restartGrace + ")");
    }

    /** The consumers keybridge knows, each with its documented refresh default where it has one. */
    public enum Kind {
        /** OpenBao / Vault Agent: re-renders static KV secrets every {@code static_secret_render_interval} (5 min). */
        VAULT_AGENT("vault-agent", Duration.ofMinutes(5)),
        /** External Secrets Operator: {@code refreshInterval} of the ExternalSecret (1 h). */
        EXTERNAL_SECRETS("external-secrets", Duration.ofHours(1)),
        /** Secrets Store CSI driver, with rotation turned on: {@code rotationPollInterval} (2 min). */
        CSI_DRIVER("csi-driver", Duration.ofMinutes(2)),
        /** The AWS Secrets Manager caching clients: the cache's item TTL (1 h). */
        AWS_CACHING_CLIENT("aws-caching-client", Duration.ofHours(1)),
        /** The AWS Parameters and Secrets Lambda extension: {@code SECRETS_MANAGER_TTL} (300 s). */
        AWS_LAMBDA_EXTENSION("aws-lambda-extension", Duration.ofSeconds(300)),
        /** Reads the secret once, at start (Spring Cloud Vault without a refresh, ECS environment secrets). */
        STARTUP_ONLY("startup-only", null),
        /** Anything else: its refresh interval must be given. */
        CUSTOM("custom", null);

        private final String label;
        private final @Nullable Duration defaultRefresh;

        Kind(String label, @Nullable Duration defaultRefresh) {
            this.label = label;
            this.defaultRefresh = defaultRefresh;
        }

        public String label() {
            return label;
        }

        public @Nullable Duration defaultRefresh() {
            return defaultRefresh;
        }

        /**
         * The kind of that label.
         *
         * @throws IllegalArgumentException naming the known kinds
         */
        public static Kind of(String label) {
            return Arrays.stream(values())
                    .filter(kind -> kind.label.equals(label))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("unknown consumer kind; known kinds: " + labels()));
        }

        public static String labels() {
            return Arrays.stream(values()).map(Kind::label).collect(Collectors.joining(", "));
        }

        private String needsInterval() {
            return this == STARTUP_ONLY
                    ? "a startup-only consumer reads its secret only when it starts: give its restart cadence as"
                            + " refreshInterval (e.g. P1D for a daily deploy)"
                    : "a custom consumer needs its refreshInterval";
        }
    }
}
