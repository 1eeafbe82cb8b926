package io.keybridge.gateway;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How gateways reach keybridge and what they send it.
 *
 * @param routes the folder of route files ({@code *.yaml}): which scopes each call needs; by default those shipped in
 *     the jar
 * @param keyHeader the header that carries the client's key; {@code Authorization: Bearer <key>} is read when it is
 *     absent
 * @param clientAddressHeader the header that carries the client's address as the gateway saw it
 * @param forwardedForDepth which entry of that header, counted from the right: {@code 1} is the one the gateway itself
 *     appended (the client's own entries, to its left, are whatever the client wrote)
 * @param grpc Envoy's gRPC ext_authz server
 */
@ConfigurationProperties("keybridge.gateway")
record GatewayProperties(
        @DefaultValue("classpath:policies/routes") String routes,
        @DefaultValue("X-API-Key") String keyHeader,
        @DefaultValue("X-Forwarded-For") String clientAddressHeader,
        @DefaultValue("1") int forwardedForDepth,
        @DefaultValue Grpc grpc) {

    public GatewayProperties {
        if (forwardedForDepth < 1 || forwardedForDepth > 10) {
            throw new IllegalArgumentException("keybridge.gateway.forwarded-for-depth must be between 1 and 10");
        }
    }

    /**
     * @param port the port of the gRPC server; {@code -1} (the default) starts none
     * @param address the address it listens on
     */
    public record Grpc(
            @DefaultValue("-1") int port,
            @DefaultValue("127.0.0.1") String address) {

        public Grpc {
            if (port < -1 || port > 65_535) {
                throw new IllegalArgumentException("keybridge.gateway.grpc.port must be -1 (off) or a port number");
            }
        }
    }
}
