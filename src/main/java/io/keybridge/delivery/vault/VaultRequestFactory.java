package io.keybridge.delivery.vault;

import java.io.IOException;
import java.net.ProxySelector;
import java.net.Socket;
import javax.net.ssl.SSLSocket;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.impl.routing.SystemDefaultRoutePlanner;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.jspecify.annotations.Nullable;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.HttpComponentsClientHttpRequestFactory;
import org.springframework.util.StringUtils;

/**
 * The HTTP client keybridge talks to Vault with: Apache HttpClient 5, as Spring Vault builds it
 * ({@code ClientHttpRequestFactoryFactory}: pooled keep-alive connections with TCP_NODELAY, the system's proxy
 * settings, redirects followed), plus what Spring Vault offers no hook for:
 * <ul>
 *   <li>{@code VAULT_TLS_SERVER_NAME}: the name sent in SNI and checked against Vault's certificate, when it differs
 *       from the address (Vault reached by IP, through a tunnel, or behind a load balancer with its own name);
 *   <li>a pooled connection idle for a while is checked before it is used again, so that one Vault (or a load
 *       balancer) closed in the meantime is replaced rather than failing a rotation.
 * </ul>
 */
final class VaultRequestFactory {

    /** How long a pooled connection may sit idle before it is checked before its next use. */
    private static final TimeValue VALIDATE_AFTER_INACTIVITY = TimeValue.ofSeconds(2);

    private VaultRequestFactory() {}

    static ClientHttpRequestFactory create(VaultProperties properties, VaultTls.Context tls) {
        Timeout connect = Timeout.of(properties.connectTimeout());
        Timeout read = Timeout.of(properties.readTimeout());
        TlsSocketStrategy strategy = serverName(
                new DefaultClientTlsStrategy(tls.sslContext()), properties.tls().serverName());
        var connections = PoolingHttpClientConnectionManagerBuilder.create()
                .setTlsSocketStrategy(strategy)
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(connect)
                        .setSocketTimeout(read)
                        .setValidateAfterInactivity(VALIDATE_AFTER_INACTIVITY)
                        .build())
                // HttpClient's defaults (5 per route, 25 in all) queue the rotation workers behind five connections
                .setMaxConnPerRoute(properties.maxConnections())
                .setMaxConnTotal(properties.maxConnections())
                .setDefaultSocketConfig(SocketConfig.custom()
                        .setSoTimeout(read)
                        .setTcpNoDelay(true)
                        .build())
                .build();
        var client = HttpClients.custom()
                .setRoutePlanner(new SystemDefaultRoutePlanner(null, ProxySelector.getDefault()))
                .setDefaultRequestConfig(RequestConfig.custom()
                        // waiting for a free pooled connection is waiting behind other calls, not a connect failure
                        .setConnectionRequestTimeout(read)
                        .setResponseTimeout(read)
                        .setAuthenticationEnabled(true)
                        // a standby Vault redirects to the active one, as Vault's own client follows
                        .setRedirectsEnabled(true)
                        .build())
                .setConnectionManager(connections)
                .build();
        return new HttpComponentsClientHttpRequestFactory(client);
    }

    /** The TLS strategy with the target's name replaced by the configured server name, if one is. */
    private static TlsSocketStrategy serverName(TlsSocketStrategy strategy, @Nullable String serverName) {
        if (!StringUtils.hasText(serverName)) {
            return strategy;
        }
        String name = serverName.strip();
        return new TlsSocketStrategy() {
            @Override
            public SSLSocket upgrade(
                    Socket socket, String target, int port, @Nullable Object attachment, HttpContext context)
                    throws IOException {
                return strategy.upgrade(socket, name, port, attachment, context);
            }
        };
    }
}
