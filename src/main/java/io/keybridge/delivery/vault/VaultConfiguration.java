package io.keybridge.delivery.vault;

import io.keybridge.config.SecretFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.util.StringUtils;
import org.springframework.vault.authentication.AppRoleAuthentication;
import org.springframework.vault.authentication.AppRoleAuthenticationOptions;
import org.springframework.vault.authentication.AppRoleAuthenticationOptions.RoleId;
import org.springframework.vault.authentication.AppRoleAuthenticationOptions.SecretId;
import org.springframework.vault.authentication.ClientAuthentication;
import org.springframework.vault.authentication.ClientCertificateAuthentication;
import org.springframework.vault.authentication.ClientCertificateAuthenticationOptions;
import org.springframework.vault.authentication.JwtAuthentication;
import org.springframework.vault.authentication.JwtAuthenticationOptions;
import org.springframework.vault.authentication.KubernetesAuthentication;
import org.springframework.vault.authentication.KubernetesAuthenticationOptions;
import org.springframework.vault.authentication.LifecycleAwareSessionManager;
import org.springframework.vault.authentication.SessionManager;
import org.springframework.vault.authentication.SimpleSessionManager;
import org.springframework.vault.authentication.TokenAuthentication;
import org.springframework.vault.authentication.VaultLoginException;
import org.springframework.vault.client.RestTemplateBuilder;
import org.springframework.vault.client.VaultEndpoint;
import org.springframework.vault.core.VaultTemplate;
import org.springframework.web.client.RestTemplate;

/** The Vault client, authenticated by token, AppRole, Kubernetes, JWT or TLS certificate. */
@Configuration(proxyBeanMethods = false)
class VaultConfiguration {

    @Bean
    VaultTemplate vaultTemplate(VaultProperties properties, ThreadPoolTaskScheduler vaultSessionScheduler) {
        // Spring Vault picks Apache HttpClient 5 from the classpath: pooled keep-alive connections with TCP_NODELAY.
        // HttpURLConnection leaves Nagle's algorithm on, and its separate header and body writes then wait for
        // delayed ACKs: 40-90 ms stalls under concurrency (docs/BENCHMARKS.md).
        ClientHttpRequestFactory requestFactory =
                VaultRequestFactory.create(properties, VaultTls.context(properties.tls()));
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
                Supplier<String> secretId = SecretFile.either(
                        appRole.secretId(),
                        appRole.secretIdFile(),
                        "keybridge.vault.app-role.secret-id (KEYBRIDGE_VAULT_APP_ROLE_SECRET_ID)",
                        "keybridge.vault.app-role.secret-id-file (KEYBRIDGE_VAULT_APP_ROLE_SECRET_ID_FILE)");
                if (!StringUtils.hasText(appRole.roleId()) || secretId == null) {
                    throw new IllegalStateException("AppRole authentication needs keybridge.vault.app-role.role-id"
                            + " and .secret-id (or .secret-id-file)");
                }
                // the secret id is read at every login: an operator (or a wrapping job) may replace the file
                ClientAuthentication login = () -> new AppRoleAuthentication(
                                AppRoleAuthenticationOptions.builder()
                                        .path(appRole.path())
                                        .roleId(RoleId.provided(appRole.roleId()))
                                        .secretId(SecretId.provided(secretId.get()))
                                        .build(),
                                restTemplate)
                        .login();
                yield new LifecycleAwareSessionManager(login, scheduler, restTemplate);
            }
            case KUBERNETES -> {
                VaultProperties.Kubernetes kubernetes = properties.kubernetes();
                require(kubernetes.role(), "keybridge.vault.kubernetes.role (KEYBRIDGE_VAULT_KUBERNETES_ROLE)");
                Path tokenFile = readableFile(
                        kubernetes.tokenFile(), "keybridge.vault.kubernetes.token-file (the service account's token)");
                KubernetesAuthenticationOptions options = KubernetesAuthenticationOptions.builder()
                        .path(kubernetes.path())
                        .role(kubernetes.role())
                        // read at every login: the kubelet replaces projected tokens before they expire
                        .jwtSupplier(() -> readToken(tokenFile))
                        .build();
                yield new LifecycleAwareSessionManager(
                        new KubernetesAuthentication(options, restTemplate), scheduler, restTemplate);
            }
            case JWT -> {
                VaultProperties.Jwt jwt = properties.jwt();
                require(jwt.role(), "keybridge.vault.jwt.role (KEYBRIDGE_VAULT_JWT_ROLE)");
                Path tokenFile = readableFile(
                        jwt.tokenFile(), "keybridge.vault.jwt.token-file (KEYBRIDGE_VAULT_JWT_TOKEN_FILE)");
                JwtAuthenticationOptions options = JwtAuthenticationOptions.builder()
                        .path(jwt.path())
                        .role(jwt.role())
                        .jwtSupplier(() -> readToken(tokenFile))
                        .build();
                yield new LifecycleAwareSessionManager(
                        new JwtAuthentication(options, restTemplate), scheduler, restTemplate);
            }
            case CERT -> {
                if (!StringUtils.hasText(properties.tls().clientCert())) {
                    throw new IllegalStateException("keybridge.vault.authentication=cert logs in with the TLS client"
                            + " certificate: set VAULT_CLIENT_CERT and VAULT_CLIENT_KEY");
                }
                ClientCertificateAuthenticationOptions.ClientCertificateAuthenticationOptionsBuilder options =
                        ClientCertificateAuthenticationOptions.builder()
                                .path(properties.cert().path());
                if (StringUtils.hasText(properties.cert().role())) {
                    options.role(properties.cert().role());
                }
                yield new LifecycleAwareSessionManager(
                        new ClientCertificateAuthentication(options.build(), restTemplate), scheduler, restTemplate);
            }
        };
    }

    private static void require(@Nullable String value, String setting) {
        if (!StringUtils.hasText(value)) {
            throw new IllegalStateException(setting + " is not set");
        }
    }

    /** A token file that must exist at start: a missing one stops keybridge, naming the setting. */
    private static Path readableFile(@Nullable String file, String setting) {
        require(file, setting);
        Path path = Path.of(file);
        if (!Files.isReadable(path)) {
            throw new IllegalStateException(setting + " " + path + " does not exist or cannot be read");
        }
        return path;
    }

    private static String readToken(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new VaultLoginException("the token file " + file + " cannot be read: " + e.getMessage());
        }
    }
}
