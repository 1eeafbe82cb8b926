package io.keybridge.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.http.converter.json.JacksonJsonHttpMessageConverter;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;
import org.springframework.web.client.support.RestClientAdapter;
import org.springframework.web.service.invoker.HttpServiceProxyFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The command line's connection to keybridge: {@link KeybridgeApi} over Spring's {@link RestClient}, with the
 * operator's token on every request, and every failure turned into an {@link ApiException} with an exit code — a
 * problem+json answer into its title, detail and field errors, an unreachable server into how to point at one.
 */
class KeybridgeClient {

    private final URI base;
    private final JsonMapper json;
    private final KeybridgeApi api;

    KeybridgeClient(URI base, String token, JsonMapper json) {
        this.base = base;
        this.json = json;
        JdkClientHttpRequestFactory requests = new JdkClientHttpRequestFactory(
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
        requests.setReadTimeout(Duration.ofMinutes(5));
        String address = base.toString();
        RestClient rest = RestClient.builder()
                .baseUrl(address.endsWith("/") ? address.substring(0, address.length() - 1) : address)
                .requestFactory(requests)
                .defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .configureMessageConverters(converters ->
                        converters.registerDefaults().withJsonConverter(new JacksonJsonHttpMessageConverter(json)))
                .defaultStatusHandler(status -> status.isError(), (request, response) -> {
                    throw new ApiException(
                            ExitCodes.forStatus(response.getStatusCode().value()), problem(response));
                })
                .build();
        this.api = HttpServiceProxyFactory.builderFor(RestClientAdapter.create(rest))
                .build()
                .createClient(KeybridgeApi.class);
    }

    /**
     * Calls the API: {@code client.call(api -> api.key(id))}. An empty answer is an empty object.
     *
     * @throws ApiException for an error answer, an answer that is not keybridge's, or no answer
     */
    JsonNode call(java.util.function.Function<KeybridgeApi, JsonNode> call) {
        JsonNode answer = exchange(call);
        return answer == null ? json.createObjectNode() : answer;
    }

    /** Calls an endpoint that answers text (JSON Lines); an empty answer is an empty text. */
    String text(java.util.function.Function<KeybridgeApi, String> call) {
        String answer = exchange(call);
        return answer == null ? "" : answer;
    }

    private <T> @org.jspecify.annotations.Nullable T exchange(java.util.function.Function<KeybridgeApi, T> call) {
        try {
            return call.apply(api);
        } catch (ResourceAccessException e) {
            throw new ApiException(
                    ExitCodes.UNREACHABLE,
                    "cannot reach keybridge at " + base + " ("
                            + NestedExceptionUtils.getMostSpecificCause(e)
                                    .getClass()
                                    .getSimpleName()
                            + "); is it running? Set KEYBRIDGE_URL or --url.");
        } catch (RestClientException e) {
            throw new ApiException(
                    ExitCodes.FAILED, "keybridge answered with something that is not JSON: is " + base + " keybridge?");
        }
    }

    /** A query string's parameters, leaving out those without a value. */
    static MultiValueMap<String, String> query(Map<String, ?> parameters) {
        MultiValueMap<String, String> query = new LinkedMultiValueMap<>();
        parameters.forEach((name, value) -> {
            if (value != null && !value.toString().isBlank()) {
                query.add(name, value.toString());
            }
        });
        return query;
    }

    /** "Name already in use: …", with each field problem on a line of its own. */
    private String problem(ClientHttpResponse response) throws IOException {
        int status = response.getStatusCode().value();
        JsonNode problem;
        try (InputStream body = response.getBody()) {
            String text = new String(body.readAllBytes(), StandardCharsets.UTF_8);
            problem = text.isBlank() ? json.createObjectNode() : json.readTree(text);
        } catch (RuntimeException e) {
            return "keybridge answered " + status + " with something that is not JSON: is " + base + " keybridge?";
        }
        StringBuilder text = new StringBuilder();
        text.append(problem.path("title").asString("HTTP " + status));
        String detail = problem.path("detail").asString("");
        if (!detail.isBlank()) {
            text.append(": ").append(detail);
        }
        for (JsonNode error : problem.path("errors")) {
            String field = error.path("field").asString("");
            String message = error.path("message").asString("");
            if (message.equals(detail)) {
                continue; // a single problem: the detail said it already
            }
            text.append(System.lineSeparator()).append("  ");
            if (!field.isBlank() && !message.startsWith(field + " ")) {
                text.append(field).append(": ");
            }
            text.append(message);
        }
        return text.toString();
    }
}
