package io.keybridge.gateway;

import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.keybridge.audit.AuditLog;
import io.keybridge.security.ApiTokens;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * The gRPC server for Envoy's ext_authz, on {@code keybridge.gateway.grpc.port} when that is set (off by default: a
 * port is opened only when asked for). Checks run on the event loop that read them; it stops before the web server does.
 */
@Component
class GrpcAuthorizationServer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(GrpcAuthorizationServer.class);

    private final GatewayProperties.Grpc properties;
    private final EnvoyAuthorizationService service;
    private final GrpcCaller authentication;
    private @Nullable Server server;

    GrpcAuthorizationServer(
            GatewayProperties properties,
            GatewayAuthorizer authorizer,
            ClientRequestHeaders headers,
            JsonMapper json,
            ApiTokens tokens,
            AuditLog audit) {
        this.properties = properties.grpc();
        this.service = new EnvoyAuthorizationService(authorizer, headers, json);
        this.authentication = new GrpcCaller(tokens, audit);
    }

    @Override
    public synchronized void start() {
        if (properties.port() < 0) {
            return;
        }
        server = NettyServerBuilder.forAddress(new InetSocketAddress(properties.address(), properties.port()))
                // a check never blocks (memory only: the verification index, counters, the refusal limiter), so it
                // runs on the event loop that read it: no hand-off to another thread per call
                .directExecutor()
                .maxInboundMessageSize(1 << 20)
                .addService(ServerInterceptors.intercept(service, authentication))
                .build();
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "could not start the gRPC ext_authz server on " + properties.address() + ":" + properties.port(),
                    e);
        }
        log.info("Envoy ext_authz (gRPC) listening on {}:{}", properties.address(), server.getPort());
    }

    @Override
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        server.shutdown();
        try {
            if (!server.awaitTermination(10, TimeUnit.SECONDS)) {
                server.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.shutdownNow();
        }
        server = null;
    }

    @Override
    public synchronized boolean isRunning() {
        return server != null;
    }

    /** Stops before the web server (whose phase is lower) and starts after it. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE;
    }
}
