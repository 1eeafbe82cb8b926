package io.keybridge.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A plain HTTP client for keybridge's API that keeps every response (headers and body) for the secret scan. */
public final class Api {

    /** Every response any test received, for {@link SecretHygiene}. */
    static final List<String> RESPONSES = new CopyOnWriteArrayList<>();

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient http;
    private final String base;

    public Api(int port) {
        this.base = "http://127.0.0.1:" + port;
        this.http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** Over TLS, trusting what {@code tls} trusts. */
    public Api(int port, javax.net.ssl.SSLContext tls) {
        this.base = "https://127.0.0.1:" + port;
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .sslContext(tls)
                .build();
    }

    /** Adds text a test received some other way (a command's output, say) to what the secret scan reads. */
    public static void capture(String text) {
        RESPONSES.add(text);
    }

    public Response get(String path, String token) {
        return send("GET", path, token, null, Map.of());
    }

    public Response post(String path, String token, Object body) {
        return send("POST", path, token, body, Map.of());
    }

    public Response post(String path, String token, Object body, Map<String, String> headers) {
        return send("POST", path, token, body, headers);
    }

    public Response patch(String path, String token, Object body) {
        return send("PATCH", path, token, body, Map.of());
    }

    /** POST /api/v1/verify with the key in X-API-Key. */
    public Response verify(String token, String key, List<String> scopes) {
        return send(
                "POST",
                "/api/v1/verify",
                token,
                scopes == null ? null : Map.of("scopes", scopes),
                key == null ? Map.of() : Map.of("X-API-Key", key));
    }

    /**
     * Sends a request. A {@code String} body is sent as is (to test malformed input), anything else as JSON.
     */
    public Response send(String method, String path, String token, Object body, Map<String, String> headers) {
        try {
            String payload = body == null ? null : body instanceof String text ? text : JSON.writeValueAsString(body);
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                    .timeout(Duration.ofSeconds(30))
                    .method(
                            method,
                            payload == null
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofString(payload));
            if (payload != null && !headers.containsKey("Content-Type")) {
                request.header("Content-Type", "application/json");
            }
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
            }
            headers.forEach(request::header);
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            RESPONSES.add(response.headers().map() + "\n" + response.body());
            return new Response(response.statusCode(), response.headers().map(), response.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** One answer from keybridge. */
    public record Response(int status, Map<String, List<String>> headers, String body) {

        public JsonNode json() {
            return JSON.readTree(body);
        }

        public String contentType() {
            return headers.getOrDefault("content-type", List.of("")).getFirst();
        }
    }
}
