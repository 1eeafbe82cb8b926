package io.keybridge.support;

import io.keybridge.delivery.StepReached;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.springframework.context.event.EventListener;

/**
 * Lets a test act at one step of a rotation, on the rotating thread, before the rotation goes on: e.g. read what has
 * just landed at the destination and verify it before keybridge has confirmed it. Cleared before every test.
 */
public final class StepProbe {

    private final Map<StepReached.Step, Consumer<StepReached>> actions = new ConcurrentHashMap<>();

    public void at(StepReached.Step step, Consumer<StepReached> action) {
        actions.put(step, action);
    }

    void clear() {
        actions.clear();
    }

    @EventListener
    void reached(StepReached event) {
        Consumer<StepReached> action = actions.get(event.step());
        if (action != null) {
            action.accept(event);
        }
    }
}
