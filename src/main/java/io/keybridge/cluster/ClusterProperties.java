package io.keybridge.cluster;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Running as one of several nodes on one PostgreSQL (the {@code postgres} profile turns it on).
 *
 * @param enabled whether other nodes may share the database: then Quartz runs clustered, each node reads the others'
 *     index changes, and rotations interrupted on a node that died are settled by a survivor
 * @param syncInterval how often a node reads the other nodes' index changes: a revocation on one node is refused by
 *     the others within about this long
 * @param changeRetention how long index changes are kept for nodes to read (a node that starts reloads everything)
 * @param orphanCheckInterval how often a node looks for rotations left behind by a node that died
 */
@ConfigurationProperties("keybridge.cluster")
public record ClusterProperties(
        @DefaultValue("false") boolean enabled,
        @DefaultValue("200ms") Duration syncInterval,
        @DefaultValue("1h") Duration changeRetention,
        @DefaultValue("5s") Duration orphanCheckInterval) {}
