package io.keybridge;

import java.time.Clock;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.annotation.EnableScheduling;

/** keybridge: issues API keys straight into the consuming service's secret store, verifies and manages them. */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class KeybridgeApplication {

    public static void main(String[] args) {
        SpringApplication.run(KeybridgeApplication.class, args);
    }

    /** The one source of "now": tests replace it to move time. */
    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
