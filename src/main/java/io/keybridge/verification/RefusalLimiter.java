package io.keybridge.verification;

import io.github.bucket4j.Bucket;
import io.keybridge.keys.IpAddresses;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Stops guessing: a client address whose keys were refused ({@code 401}) {@code refusals-per-minute} times is answered
 * {@code 429} with {@code Retry-After}, whatever it presents, until its budget refills (a token bucket per address,
 * refilled over a minute). Valid verifications cost nothing. Only addresses the gateway names are limited: without
 * one, one limit would lock out every client behind the gateway. Per node: N nodes grant N budgets.
 */
@Component
public class RefusalLimiter {

    private static final Logger log = LoggerFactory.getLogger(RefusalLimiter.class);
    /** Addresses tracked at once; beyond it new addresses are not limited (and it is logged). */
    private static final int MAX_SOURCES = 100_000;

    private final int perMinute;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final Counter limited;
    private volatile boolean fullLogged;

    RefusalLimiter(@Value("${keybridge.verification.refusals-per-minute:30}") int perMinute, MeterRegistry meters) {
        this.perMinute = perMinute;
        this.limited = Counter.builder("keybridge.verifications")
                .description("Key verifications by outcome")
                .tag("outcome", "rate_limited")
                .tag("reason", "too_many_refusals")
                .register(meters);
    }

    /** How long the address must wait before it may verify again; zero if it may now. */
    public Duration waitFor(@Nullable String source) {
        if (perMinute <= 0 || source == null) {
            return Duration.ZERO;
        }
        Bucket bucket = buckets.get(subscriber(source));
        if (bucket == null || bucket.getAvailableTokens() > 0) {
            return Duration.ZERO;
        }
        limited.increment();
        long nanos = bucket.estimateAbilityToConsume(1).getNanosToWaitForRefill();
        return Duration.ofNanos(Math.max(nanos, TimeUnit.SECONDS.toNanos(1)));
    }

    /** Counts a refused key from the address. */
    public void refused(@Nullable String source) {
        if (perMinute <= 0 || source == null) {
            return;
        }
        String subscriber = subscriber(source);
        Bucket bucket = buckets.get(subscriber);
        if (bucket == null) {
            if (buckets.size() >= MAX_SOURCES) {
                if (!fullLogged) {
                    fullLogged = true;
                    log.warn(
                            "refusal limiter: {} addresses tracked; new ones are not limited until some refill",
                            MAX_SOURCES);
                }
                return;
            }
            bucket = buckets.computeIfAbsent(subscriber, s -> newBucket());
        }
        bucket.tryConsume(1);
    }

    /**
     * Whose budget an address spends: the verify endpoint hands over canonical literals, so an IPv4 address is itself;
     * an IPv6 address spends its {@code /64}'s, or else every host would bring a fresh budget from its own network.
     */
    private static String subscriber(String source) {
        if (source.indexOf(':') < 0) {
            return source;
        }
        return IpAddresses.parse(source).map(IpAddresses::subscriber).orElse(source);
    }

    /** Forgets addresses whose budget is whole again: they are no different from addresses never seen. */
    @Scheduled(fixedDelay = 60, timeUnit = TimeUnit.SECONDS)
    void forgetRefilled() {
        buckets.entrySet().removeIf(entry -> entry.getValue().getAvailableTokens() >= perMinute);
        fullLogged = false;
    }

    private Bucket newBucket() {
        return Bucket.builder()
                .addLimit(limit -> limit.capacity(perMinute).refillGreedy(perMinute, Duration.ofMinutes(1)))
                .build();
    }
}
