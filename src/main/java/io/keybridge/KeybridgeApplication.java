package io.keybridge;

import io.keybridge.cli.KeybridgeCli;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.security.SecurityScheme;
import java.time.Clock;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * keybridge: issues API keys straight into the consuming service's secret store, verifies and manages them. Spring's
 * in-memory user (and the "generated security password" it logs) is left out: callers are bearer tokens.
 */
@SpringBootApplication(exclude = UserDetailsServiceAutoConfiguration.class)
@ConfigurationPropertiesScan
@OpenAPIDefinition(
        info =
                @Info(
                        title = "keybridge",
                        version = "v1",
                        description = "Issues API keys straight into secret stores, verifies and manages them. "
                                + "Errors are RFC 9457 application/problem+json."),
        security = @SecurityRequirement(name = "bearer"))
@SecurityScheme(name = "bearer", type = SecuritySchemeType.HTTP, scheme = "bearer")
@EnableScheduling
public class KeybridgeApplication {

    /** Starts the server; {@code cli …} runs the command line instead, without starting anything. */
    public static void main(String[] args) {
        if (args.length > 0 && "cli".equals(args[0])) {
            KeybridgeCli.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        SpringApplication.run(KeybridgeApplication.class, args);
    }

    /** The one source of "now": tests replace it to move time. */
    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
