package io.keybridge.web;

import com.fasterxml.jackson.databind.JavaType;
import io.swagger.v3.core.converter.AnnotatedType;
import io.swagger.v3.core.converter.ModelConverter;
import io.swagger.v3.core.converter.ModelConverterContext;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.JsonSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Makes {@code docs/openapi.json} say what the API really does, so that a client generated from it (or schemathesis,
 * which checks every answer against it) is not surprised: every error is {@code application/problem+json} and listed
 * on every operation it can come from, and record fields are required or nullable as their Java types say (keybridge
 * is {@code @NullMarked}: a component without {@code @Nullable} is never null).
 */
@Configuration(proxyBeanMethods = false)
class OpenApiDocumentation {

    private static final String PROBLEM = "application/problem+json";

    @Bean
    OpenApiCustomizer errorResponsesOnEveryOperation() {
        return openApi -> {
            Schema<?> problem = new JsonSchema()
                    .types(Set.of("object"))
                    .description("RFC 9457 problem details; bad input adds errors: [{field, rule, message}]");
            openApi.getComponents().addSchemas("Problem", problem);
            openApi.getPaths()
                    .forEach((path, item) -> item.readOperationsMap().forEach((method, operation) -> {
                        ApiResponses responses = operation.getResponses();
                        // every operation: bad parameters or body, no or unknown token, a role that may not, a bug
                        add(responses, "400", "invalid parameters or body");
                        add(
                                responses,
                                "401",
                                "no valid bearer token (for /verify and leak reports: see the operation)");
                        add(responses, "403", "the token's roles do not allow this operation");
                        add(responses, "500", "a bug; the detail names the request id to look for in the log");
                        if (path.contains("{")) {
                            add(responses, "404", "nothing with that id");
                        }
                        if (operation.getRequestBody() != null) {
                            add(responses, "413", "request body over keybridge.web.max-request-body");
                            add(responses, "415", "not application/json");
                        }
                        if (method != PathItem.HttpMethod.GET) {
                            add(responses, "405", "method not allowed");
                        }
                        responses.forEach((status, response) -> {
                            if (status.startsWith("4") || status.startsWith("5")) {
                                response.setContent(new Content()
                                        .addMediaType(
                                                PROBLEM,
                                                new MediaType()
                                                        .schema(new JsonSchema()
                                                                .$ref("#/components/schemas/Problem"))));
                            }
                        });
                    }));
        };
    }

    private static void add(ApiResponses responses, String status, String description) {
        if (!responses.containsKey(status)) {
            responses.addApiResponse(status, new ApiResponse().description(description));
        }
    }

    /** Record components: {@code @Nullable} ones may be null, the others are required. */
    @Bean
    ModelConverter recordNullability() {
        return new ModelConverter() {
            @Override
            public @Nullable Schema resolve(
                    AnnotatedType type, ModelConverterContext context, Iterator<ModelConverter> chain) {
                Schema<?> resolved = chain.hasNext() ? chain.next().resolve(type, context, chain) : null;
                Class<?> raw = rawClass(type);
                if (resolved == null || raw == null || !raw.isRecord()) {
                    return resolved;
                }
                Schema<?> model = resolved.get$ref() == null
                        ? resolved
                        : context.getDefinedModels()
                                .get(resolved.get$ref()
                                        .substring(resolved.get$ref().lastIndexOf('/') + 1));
                if (model == null || model.getProperties() == null) {
                    return resolved;
                }
                List<String> required = new ArrayList<>();
                for (RecordComponent component : raw.getRecordComponents()) {
                    Map<String, Schema> properties = model.getProperties();
                    Schema<?> property = properties.get(component.getName());
                    if (property == null) {
                        continue;
                    }
                    if (component.getAnnotatedType().isAnnotationPresent(Nullable.class)) {
                        properties.put(component.getName(), nullable(property));
                    } else {
                        required.add(component.getName());
                    }
                }
                if (!required.isEmpty()) {
                    model.setRequired(required);
                }
                return resolved;
            }
        };
    }

    private static Schema<?> nullable(Schema<?> property) {
        if (property.get$ref() != null) {
            return new JsonSchema().anyOf(List.of(property, new JsonSchema().types(Set.of("null"))));
        }
        if (property.getTypes() != null && !property.getTypes().isEmpty()) {
            property.addType("null");
            return property;
        }
        return property;
    }

    private static @Nullable Class<?> rawClass(AnnotatedType type) {
        if (type.getType() instanceof Class<?> clazz) {
            return clazz;
        }
        if (type.getType() instanceof JavaType javaType) {
            return javaType.getRawClass();
        }
        return null;
    }
}
