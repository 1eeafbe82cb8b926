package io.keybridge.destination.vault;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.util.StringUtils;
import org.springframework.vault.authentication.AppRoleAuthentication;
import org.springframework.vault.authentication.AppRoleAuthenticationOptions;
import org.springframework.vault.authentication.AppRoleAuthenticationOptions.RoleId;
import org.springframework.vault.authentication.AppRoleAuthenticationOptions.SecretId;
import org.springframework.vault.authentication.LifecycleAwareSessionManager;
import org.springframework.vault.authentication.SessionManager;
import org.springframework.vault.authentication.SimpleSessionManager;
import org.springframework.vault.authentication.TokenAuthentication;
import org.springframework.vault.client.ClientHttpRequestFactoryFactory;
import org.springframework.vault.client.RestTemplateBuilder;
import org.springframework.vault.client.VaultEndpoint;
import org.springframework.vault.core.VaultTemplate;
import org.springframework.vault.support.ClientOptions;
import org.springframework.web.client.RestTemplate;

/** The Vault client, authenticated by token or AppRole. */
@Configuration(proxyBeanMethods = false)
class VaultConfiguration {

    @Bean
    VaultTemplate vaultTemplate(VaultProperties properties, ThreadPoolTaskScheduler vaultSessionScheduler) {
        // Spring Vault picks Apache HttpClient 5 from the classpath: pooled keep-alive connections with TCP_NODELAY.
        // HttpURLConnection leaves Nagle's algorithm on, and its separate header and body writes then wait for
        // delayed ACKs: 40-90 ms stalls under concurrency (docs/BENCHMARKS.md).
        ClientHttpRequestFactory requestFactory = ClientHttpRequestFactoryFactory.create(
                new ClientOptions(properties.connectTimeout(), properties.readTimeout()),
                VaultTls.configuration(properties.tls()));
        RestTemplateBuilder builder = RestTemplateBuilder.builder()
                .endpoint(VaultEndpoint.from(properties.uri()))
                .requestFactory(requestFactory);
        if (StringUtils.hasText(properties.namespace())) {
            builder.defaultHeader("X-Vault-Namespace", properties.namespace());
        }
        return new VaultTemplate(builder, sessionManager(properties, builder.build(), vaultSessionScheduler));
    }

    @Bean
    ThreadPoolTaskScheduler vaultSessionScheduler() {
        ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
        scheduler.setThreadNamePrefix("vault-session-");
        scheduler.setDaemon(true);
        return scheduler;
    }

    private static SessionManager sessionManager(
            VaultProperties properties, RestTemplate restTemplate, ThreadPoolTaskScheduler scheduler) {
        return switch (properties.authentication()) {
            case TOKEN -> {
                if (StringUtils.hasText(properties.tokenFile())) {
                    if (StringUtils.hasText(properties.token())) {
                        throw new IllegalStateException("both VAULT_TOKEN and KEYBRIDGE_VAULT_TOKEN_FILE are set:"
                                + " give the token one way (the file is re-read when it changes)");
                    }
                    yield new TokenFileSessionManager(java.nio.file.Path.of(properties.tokenFile()));
                }
                if (!StringUtils.hasText(properties.token())) {
                    throw new IllegalStateException(
                            "keybridge.vault.token is empty: set VAULT_TOKEN (or keybridge.vault.token, or a file that holds it:"
                                    + " KEYBRIDGE_VAULT_TOKEN_FILE), "
                                    + "or use keybridge.vault.authentication=approle");
                }
                yield new SimpleSessionManager(new TokenAuthentication(properties.token()));
            }
            case APPROLE -> {
                VaultProperties.AppRole appRole = properties.appRole();
                if (!StringUtils.hasText(appRole.roleId()) || !StringUtils.hasText(appRole.secretId())) {
                    throw new IllegalStateException(
                            "AppRole authentication needs keybridge.vault.app-role.role-id and .secret-id");
                }
                AppRoleAuthenticationOptions options = AppRoleAuthenticationOptions.builder()
                        .path(appRole.path())
                        .roleId(RoleId.provided(appRole.roleId()))
                        .secretId(SecretId.provided(appRole.secretId()))
                        .build();
                yield new LifecycleAwareSessionManager(
                        new AppRoleAuthentication(options, restTemplate), scheduler, restTemplate);
            }
        };
    }
}
