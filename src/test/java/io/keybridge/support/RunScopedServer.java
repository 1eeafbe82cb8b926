package io.keybridge.support;

import java.util.function.Consumer;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A real server that a test asks for with {@code @ExtendWith} (or a parameter of the server's type): started once per
 * test run on first request, held in JUnit's root store, which outlives every test class, and stopped when the run
 * ends (spring-vault's {@code VaultExtension} is the model).
 *
 * <p>Each server also has a static accessor ({@link OpenBaoExtension#server()}, {@link Moto#server()},
 * {@link Postgres#server()}, {@link WebhookReceiver#get()}) returning the same instance, for what runs before JUnit
 * hands out a context: Spring's {@code @DynamicPropertySource} above all. A server started that way alone is stopped
 * by a shutdown hook; stopping is safe twice.
 */
public abstract class RunScopedServer<S> implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace SERVERS = ExtensionContext.Namespace.create(RunScopedServer.class);

    private final Class<S> type;

    protected RunScopedServer(Class<S> type) {
        this.type = type;
    }

    /** The server: the static accessor's instance, started on first use. */
    protected abstract S start();

    /** Stops the server; called when the test run ends. */
    protected abstract void stop(S server);

    @Override
    public void beforeAll(ExtensionContext context) {
        held(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == type;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return held(context);
    }

    private S held(ExtensionContext context) {
        Held<?> held = context.getRoot()
                .getStore(SERVERS)
                .computeIfAbsent(type, key -> new Held<>(start(), this::stop), Held.class);
        return type.cast(held.server());
    }

    /** What the root store closes at the end of the run. */
    private record Held<S>(S server, Consumer<S> stop) implements AutoCloseable {
        @Override
        public void close() {
            stop.accept(server);
        }
    }
}
