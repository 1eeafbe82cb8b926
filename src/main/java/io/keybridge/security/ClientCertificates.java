package io.keybridge.security;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;

/**
 * The TLS client certificates keybridge knows, by the common name of their subject (mutual TLS for gateways). A
 * certificate TLS accepted but with a name not listed here authenticates nothing: the request goes on as if it had
 * none, and needs a token.
 */
final class ClientCertificates implements UserDetailsService {

    private final Map<String, SecurityProperties.Certificate> byCommonName;

    ClientCertificates(List<SecurityProperties.Certificate> certificates) {
        this.byCommonName = certificates.stream()
                .collect(Collectors.toUnmodifiableMap(SecurityProperties.Certificate::commonName, Function.identity()));
    }

    @Override
    public UserDetails loadUserByUsername(String commonName) {
        SecurityProperties.Certificate certificate = byCommonName.get(commonName);
        if (certificate == null) {
            throw new UsernameNotFoundException("no client certificate configured for this common name");
        }
        return User.withUsername(certificate.name())
                .password("")
                .roles(certificate.roles().stream().map(Role::name).toArray(String[]::new))
                .build();
    }
}
