package io.keybridge.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * An integration test class that works only through keybridge JVMs of its own ({@link KeybridgeProcess}) and the run's
 * servers, each on paths and databases named after its own run: it shares no Spring context, clock or probe with the
 * other classes, so it runs beside them (the failsafe configuration allows two at a time). The lock keeps such classes
 * to one at a time, and their methods in order, so at most one heavy class adds its load to the rest.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock("keybridge-processes")
public @interface ProcessOnly {}
