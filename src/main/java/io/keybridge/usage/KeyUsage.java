package io.keybridge.usage;

import io.keybridge.findings.FindingKind;
import io.keybridge.findings.Findings;
import io.keybridge.findings.NewFinding;
import io.keybridge.findings.Severity;
import io.keybridge.keys.ApiKey;
import io.keybridge.keys.ApiKeys;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;

/**
 * Counts each key's use as {@code /verify} sees it, in memory (a few adders per key: nothing on the request path
 * touches the database), and once a {@code flush-interval} writes the counts into hourly aggregates and checks them
 * against the key's baseline. Presentations of revoked versions are collected as stragglers. Thread-safe.
 */
@Service
public class KeyUsage {

    private static final Logger log = LoggerFactory.getLogger(KeyUsage.class);
    /** Distinct addresses and scopes kept per key and interval; beyond that only counts grow. */
    private static final int SAMPLE = 16;
    /** Distinct straggling versions kept per interval. */
    private static final int MAX_STRAGGLERS = 10_000;
    /** Distinct sources whose versions are kept per key and interval. */
    static final int MAX_SOURCES = 64;
    /** Sources listed for a key at most. */
    static final int LISTED_SOURCES = 100;

    private static final String NOT_GIVEN = "(not given)";

    private final Map<UUID, Counts> counts = new ConcurrentHashMap<>();
    private final Map<Straggler, Sighting> stragglers = new ConcurrentHashMap<>();
    private final UsageStore store;
    private final ApiKeys keys;
    private final Findings findings;
    private final AnomalyDetector detector;
    private final UsageProperties properties;
    private final Clock clock;
    private volatile Instant prunedHour = Instant.EPOCH;

    /** @param store, keys and findings may be null where nothing is flushed (benchmarks) */
    public KeyUsage(UsageStore store, ApiKeys keys, Findings findings, UsageProperties properties, Clock clock) {
        this.store = store;
        this.keys = keys;
        this.findings = findings;
        this.detector = new AnomalyDetector(properties);
        this.properties = properties;
        this.clock = clock;
    }

    /**
     * A valid key was presented and verified (or was refused only for a scope: {@code missingScope}), as its
     * {@code version}, from {@code source}.
     */
    public void used(
            UUID keyId,
            int version,
            @Nullable String source,
            Instant at,
            Set<String> scopesNeeded,
            boolean missingScope) {
        Counts key = countsOf(keyId);
        key.requests.increment();
        key.seen(source == null ? NOT_GIVEN : source, version, at);
        if (missingScope) {
            key.missingScope.increment();
        } else if (!key.scopes.containsAll(scopesNeeded) && key.scopes.size() < SAMPLE * 4) {
            key.scopes.addAll(scopesNeeded); // a read on the hot path; a write only for a scope new this interval
        }
    }

    /** A valid key was presented from an address outside its allow-list. */
    public void sourceRefused(UUID keyId, @Nullable String source) {
        Counts key = countsOf(keyId);
        key.requests.increment();
        key.sourceRefused.increment();
        if (key.refusedSources.size() < SAMPLE) {
            key.refusedSources.add(source == null ? NOT_GIVEN : source);
        }
    }

    private Counts countsOf(UUID keyId) {
        Counts key = counts.get(keyId); // the common case, without computeIfAbsent's lock
        return key != null ? key : counts.computeIfAbsent(keyId, id -> new Counts());
    }

    /** A revoked version was presented: a consumer that never picked up the new one, or a leak. */
    public void revokedVersionUsed(UUID keyId, int version, @Nullable String source, String caller) {
        Straggler straggler = new Straggler(keyId, version, source == null ? NOT_GIVEN : source, caller);
        Sighting sighting = stragglers.get(straggler);
        if (sighting == null) {
            if (stragglers.size() >= MAX_STRAGGLERS) {
                return;
            }
            sighting = stragglers.computeIfAbsent(straggler, s -> new Sighting(clock.instant()));
        }
        sighting.count.increment();
    }

    /** Writes the interval's counts, checks them, and raises what it finds; returns the number of findings. */
    @Scheduled(
            initialDelayString = "${keybridge.usage.flush-interval:PT1M}",
            fixedDelayString = "${keybridge.usage.flush-interval:PT1M}")
    public int flush() {
        Instant now = clock.instant();
        Instant hour = now.truncatedTo(ChronoUnit.HOURS);
        int raised = 0;
        for (UUID keyId : new ArrayList<>(counts.keySet())) {
            Counts taken = counts.remove(keyId);
            if (taken != null) {
                raised += flush(keyId, taken, now, hour);
                if (!taken.sources.isEmpty()) {
                    try {
                        store.sourcesSeen(keyId, taken.sources.values());
                    } catch (RuntimeException e) {
                        // one key's sightings must not stop the others' flush; they are seen again soon
                        log.warn("usage: could not record the sources of key {}: {}", keyId, e.toString());
                    }
                }
            }
        }
        for (Straggler straggler : new ArrayList<>(stragglers.keySet())) {
            Sighting sighting = stragglers.remove(straggler);
            if (sighting != null) {
                raised += raise(stragglerFinding(straggler, sighting));
            }
        }
        if (!hour.equals(prunedHour)) {
            prunedHour = hour;
            int pruned = store.prune(hour.minus(properties.retention()));
            if (pruned > 0) {
                log.info("usage: pruned {} hourly rows older than {}", pruned, properties.retention());
            }
        }
        return raised;
    }

    private int flush(UUID keyId, Counts taken, Instant now, Instant hour) {
        UsageWindow window = new UsageWindow(
                keyId,
                taken.requests.sum(),
                taken.missingScope.sum(),
                taken.sourceRefused.sum(),
                Set.copyOf(taken.refusedSources),
                Set.copyOf(taken.scopes));
        store.add(keyId, hour, window.requests(), window.missingScope(), window.sourceRefused());
        if (!window.scopesNeeded().isEmpty()) {
            store.scopesUsed(keyId, window.scopesNeeded(), now);
        }
        // one read: the baseline's hours and the current one, which the write above just added to
        List<UsageStore.HourCount> rows =
                store.hours(keyId, hour.minus(properties.baseline()), hour.plus(1, ChronoUnit.HOURS));
        List<UsageStore.HourCount> history =
                rows.stream().filter(row -> row.hour().isBefore(hour)).toList();
        long thisHour = rows.stream()
                .filter(row -> !row.hour().isBefore(hour))
                .mapToLong(UsageStore.HourCount::requests)
                .sum();
        String name = keys.find(keyId).map(ApiKey::name).orElse(keyId.toString());
        int raised = 0;
        for (NewFinding finding : detector.check(name, window, thisHour, history, now)) {
            raised += raise(finding);
        }
        return raised;
    }

    private NewFinding stragglerFinding(Straggler straggler, Sighting sighting) {
        String name = keys.find(straggler.keyId())
                .map(ApiKey::name)
                .orElse(straggler.keyId().toString());
        Map<String, String> evidence = new LinkedHashMap<>();
        evidence.put("version", Integer.toString(straggler.version()));
        evidence.put("source", straggler.source());
        evidence.put("caller", straggler.caller());
        evidence.put("presentations", Long.toString(sighting.count.sum()));
        evidence.put("firstSeenAt", sighting.firstSeen.toString());
        return new NewFinding(
                straggler.keyId(),
                FindingKind.STRAGGLER,
                Severity.MEDIUM,
                "revoked version " + straggler.version() + " of '" + name + "' presented " + sighting.count.sum()
                        + "× from " + straggler.source() + " (via " + straggler.caller()
                        + "): a consumer that never picked up the new version, or a leak",
                evidence,
                straggler.keyId() + " v" + straggler.version() + " " + straggler.source() + " " + straggler.caller());
    }

    private int raise(NewFinding finding) {
        return findings.raise(finding).isPresent() ? 1 : 0;
    }

    /**
     * The sources that presented the key at or after {@code since}, each with the version it presented last, the most
     * recent first: what is written, and what this node has seen since its last flush.
     */
    public List<SourceSighting> sourcesOf(UUID keyId, Instant since) {
        Map<String, SourceSighting> merged = new LinkedHashMap<>();
        for (SourceSighting stored : store.sources(keyId, since, LISTED_SOURCES)) {
            merged.put(stored.source(), stored);
        }
        Counts unflushed = counts.get(keyId);
        if (unflushed != null) {
            unflushed.sources.values().stream()
                    .filter(seen -> !seen.lastSeenAt().isBefore(since))
                    .forEach(seen -> merged.merge(seen.source(), seen, SourceSighting::latest));
        }
        return merged.values().stream()
                .sorted(Comparator.comparing(SourceSighting::lastSeenAt).reversed())
                .limit(LISTED_SOURCES)
                .toList();
    }

    private static final class Counts {
        final LongAdder requests = new LongAdder();
        final LongAdder missingScope = new LongAdder();
        final LongAdder sourceRefused = new LongAdder();
        final Set<String> refusedSources = ConcurrentHashMap.newKeySet();
        final Set<String> scopes = ConcurrentHashMap.newKeySet();
        final Map<String, SourceSighting> sources = new ConcurrentHashMap<>();

        /** A read per request; a write only for a new source, a new version, or a second later (like last use). */
        void seen(String source, int version, Instant at) {
            if (source.length() > 64) {
                return; // not an address (they are canonical, 39 characters at most): nothing to show
            }
            SourceSighting known = sources.get(source);
            if (known == null) {
                if (sources.size() < MAX_SOURCES) {
                    sources.merge(source, new SourceSighting(source, version, at), SourceSighting::latest);
                }
            } else if (known.version() != version
                    || known.lastSeenAt().plusSeconds(1).isBefore(at)) {
                sources.merge(source, new SourceSighting(source, version, at), SourceSighting::latest);
            }
        }
    }

    private record Straggler(UUID keyId, int version, String source, String caller) {}

    private static final class Sighting {
        final LongAdder count = new LongAdder();
        final Instant firstSeen;

        Sighting(Instant firstSeen) {
            this.firstSeen = firstSeen;
        }
    }
}
