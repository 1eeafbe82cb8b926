package io.keybridge.verification;

import io.keybridge.cluster.ClusterNode;
import io.keybridge.cluster.ClusterProperties;
import io.keybridge.cluster.IndexChanges;
import java.time.Clock;
import java.time.Instant;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentSkipListSet;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.dao.DataAccessException;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * In a cluster, applies the other nodes' index changes to this node's verification index, every
 * {@code keybridge.cluster.sync-interval}: a key revoked on one node is refused by every node within about that long.
 * Plain polling of one indexed table: nothing to set up in PostgreSQL, and a missed round is caught up by the next.
 */
@Component
class ClusterIndexSync {

    private static final Logger log = LoggerFactory.getLogger(ClusterIndexSync.class);
    /**
     * How far below the highest number seen each round reads again: a transaction that drew a lower number can commit
     * after a higher one was read. Changes are idempotent, so reading one twice is harmless.
     */
    private static final long MARGIN = 500;
    /** On the first round, changes this far back are applied again, covering those made while the index loaded. */
    private static final long START_MARGIN = 100_000;

    private final ClusterNode node;
    private final IndexChanges changes;
    private final VerificationIndex index;
    private final ClusterProperties properties;
    private final Clock clock;
    private final NavigableSet<Long> applied = new ConcurrentSkipListSet<>();
    private long highest = -1;
    private @Nullable Instant unreachableSince;

    ClusterIndexSync(
            ClusterNode node,
            IndexChanges changes,
            VerificationIndex index,
            ClusterProperties properties,
            Clock clock) {
        this.node = node;
        this.changes = changes;
        this.index = index;
        this.properties = properties;
        this.clock = clock;
    }

    @Scheduled(fixedDelayString = "${keybridge.cluster.sync-interval:200ms}")
    synchronized void sync() {
        if (!node.clustered()) {
            return;
        }
        try {
            applyNewChanges();
            if (unreachableSince != null) {
                log.info("index changes readable again (unreadable since {})", unreachableSince);
                unreachableSince = null;
            }
        } catch (DataAccessException e) {
            // every 200 ms: say it once, not five times a second; the index keeps answering as it stands
            if (unreachableSince == null) {
                unreachableSince = clock.instant();
                log.warn(
                        "cannot read other nodes' index changes, verifying with this node's index until the database"
                                + " is back: {}",
                        NestedExceptionUtils.getMostSpecificCause(e).toString());
            }
        }
    }

    private void applyNewChanges() {
        if (highest < 0) {
            highest = Math.max(0, changes.latest() - START_MARGIN);
        }
        for (IndexChanges.Change change : changes.after(Math.max(0, highest - MARGIN))) {
            if (applied.contains(change.seq())) {
                continue;
            }
            if (!index.apply(change)) {
                log.debug("index change {} names key {} not yet committed; next round", change.seq(), change.keyId());
                continue;
            }
            applied.add(change.seq());
            highest = Math.max(highest, change.seq());
        }
        applied.headSet(highest - MARGIN).clear();
    }

    @Scheduled(fixedDelayString = "PT10M", initialDelayString = "PT1M")
    void prune() {
        if (node.clustered()) {
            int pruned = changes.prune(clock.instant().minus(properties.changeRetention()));
            log.debug("pruned {} index changes", pruned);
        }
    }
}
