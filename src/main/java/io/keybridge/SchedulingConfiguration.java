package io.keybridge;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.concurrent.SimpleAsyncTaskScheduler;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;

/**
 * keybridge's own {@code @Scheduled} tasks (cluster index sync every 200 ms, last-use and refusal flushes, usage
 * flush, the monitoring sweep, webhooks) each run on a virtual thread of their own. Without this they would share the
 * one thread of the only other scheduler in the context, Spring Vault's session scheduler, and a long sweep would hold
 * up the cluster sync that revocations reach other nodes by. A task never overlaps itself (fixed delays).
 */
@Configuration(proxyBeanMethods = false)
class SchedulingConfiguration implements SchedulingConfigurer {

    private final SimpleAsyncTaskScheduler scheduler;

    SchedulingConfiguration(SimpleAsyncTaskScheduler keybridgeTaskScheduler) {
        this.scheduler = keybridgeTaskScheduler;
    }

    @Bean
    static SimpleAsyncTaskScheduler keybridgeTaskScheduler() {
        SimpleAsyncTaskScheduler scheduler = new SimpleAsyncTaskScheduler();
        scheduler.setThreadNamePrefix("keybridge-task-");
        scheduler.setVirtualThreads(true);
        // a stopping node lets a running flush finish, as it does rotation steps
        scheduler.setTaskTerminationTimeout(10_000);
        return scheduler;
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        registrar.setTaskScheduler(scheduler);
    }
}
