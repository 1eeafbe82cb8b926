package io.keybridge.web;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.deser.std.StdDeserializer;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.type.LogicalType;

/**
 * Request bodies mean what they say: a name is a JSON string, never a number turned into one ({@code "name": 123}), and
 * a duration is an ISO-8601 string ({@code "PT2H"}), never a bare number whose unit the caller has to guess
 * ({@code "overlap": 12} would otherwise be twelve seconds).
 */
@Configuration(proxyBeanMethods = false)
class StrictJson {

    @Bean
    JsonMapperBuilderCustomizer strictScalars() {
        return builder -> builder.withCoercionConfig(
                        LogicalType.Textual,
                        config -> config.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                .addModule(new SimpleModule("keybridge-strict-durations")
                        .addDeserializer(Duration.class, new IsoDuration()));
    }

    /** Only an ISO-8601 string; the message never echoes the value (it might be a secret sent in the wrong field). */
    static final class IsoDuration extends StdDeserializer<Duration> {

        IsoDuration() {
            super(Duration.class);
        }

        @Override
        public Duration deserialize(JsonParser parser, DeserializationContext context) {
            if (parser.currentToken() != JsonToken.VALUE_STRING) {
                throw new IllegalArgumentException("a duration must be an ISO-8601 string such as \"PT2H\" or \"P1D\"");
            }
            try {
                return Duration.parse(parser.getString().strip());
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("a duration must be an ISO-8601 string such as \"PT2H\" or \"P1D\"");
            }
        }
    }
}
