package io.keybridge.keys;

import java.security.SecureRandom;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The key format and the source of randomness keys are made from. */
@Configuration(proxyBeanMethods = false)
class KeysConfiguration {

    @Bean
    KeyFormat keyFormat(KeyProperties properties) {
        return new KeyFormat(properties.prefix());
    }

    @Bean
    SecureRandom secureRandom() {
        // the platform's strongest non-blocking source (NativePRNG / DRBG seeded from the OS)
        return new SecureRandom();
    }
}
