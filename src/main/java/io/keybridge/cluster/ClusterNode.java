package io.keybridge.cluster;

import java.util.HashSet;
import java.util.Set;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * This node, and which nodes of the cluster are alive — as Quartz's clustered job store sees them, so that keybridge
 * and Quartz never disagree on who is dead.
 */
@Component
public class ClusterNode {

    /** Quartz's own grace before it declares a node failed, on top of the node's check-in interval. */
    private static final long QUARTZ_GRACE_MILLIS = 7_500;

    private final Scheduler scheduler;
    private final JdbcClient jdbc;
    private final ClusterProperties properties;
    private volatile String id;

    ClusterNode(Scheduler scheduler, JdbcClient jdbc, ClusterProperties properties) {
        this.scheduler = scheduler;
        this.jdbc = jdbc;
        this.properties = properties;
    }

    /** Whether other nodes may share the database. */
    public boolean clustered() {
        return properties.enabled();
    }

    /** Quartz's instance id of this node: unique per process in a cluster ({@code instanceId=AUTO}). */
    public String id() {
        String known = id;
        if (known == null) {
            try {
                known = scheduler.getSchedulerInstanceId();
            } catch (SchedulerException e) {
                throw new IllegalStateException("Quartz has no instance id", e);
            }
            id = known;
        }
        return known;
    }

    /**
     * The nodes that checked in with the cluster recently enough that Quartz would not recover their jobs. Uses the
     * system clock, as Quartz does, never the application's.
     */
    public Set<String> alive() {
        long now = System.currentTimeMillis();
        Set<String> alive = new HashSet<>();
        jdbc.sql("""
                        SELECT INSTANCE_NAME, LAST_CHECKIN_TIME, CHECKIN_INTERVAL FROM QRTZ_SCHEDULER_STATE
                        WHERE SCHED_NAME = :scheduler""")
                .param("scheduler", schedulerName())
                .query((rs, n) -> {
                    if (rs.getLong(2) + rs.getLong(3) + QUARTZ_GRACE_MILLIS >= now) {
                        alive.add(rs.getString(1));
                    }
                    return null;
                })
                .list();
        alive.add(id());
        return alive;
    }

    private String schedulerName() {
        try {
            return scheduler.getSchedulerName();
        } catch (SchedulerException e) {
            throw new IllegalStateException(e);
        }
    }
}
