package io.keybridge.cli;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** keybridge's REST API, as the command line uses it: JSON in, JSON out, problem+json turned into an exit code. */
class KeybridgeClient {

    private final URI base;
    private final String token;
    private final HttpClient http;
    private final JsonMapper json;

    KeybridgeClient(URI base, String token, JsonMapper json) {
        this.base = base;
        this.token = token;
        this.json = json;
        this.http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    JsonNode get(String path, Map<String, ?> query) {
        return send("GET", path + queryString(query), null);
    }

    /** A text answer (JSON Lines, say), as it came. */
    String getText(String path, Map<String, ?> query) {
        HttpResponse<String> response = exchange("GET", path + queryString(query), null, "application/jsonl, */*");
        if (response.statusCode() >= 400) {
            JsonNode problem = response.body().isBlank() ? json.createObjectNode() : parse(response);
            throw new ApiException(ExitCodes.forStatus(response.statusCode()), problem(response.statusCode(), problem));
        }
        return response.body();
    }

    JsonNode post(String path, @Nullable Object body) {
        return send("POST", path, body);
    }

    JsonNode patch(String path, Object body) {
        return send("PATCH", path, body);
    }

    private JsonNode send(String method, String path, @Nullable Object body) {
        HttpResponse<String> response = exchange(method, path, body, "application/json, application/problem+json");
        JsonNode answer = response.body().isBlank() ? json.createObjectNode() : parse(response);
        if (response.statusCode() >= 400) {
            throw new ApiException(ExitCodes.forStatus(response.statusCode()), problem(response.statusCode(), answer));
        }
        return answer;
    }

    private HttpResponse<String> exchange(String method, String path, @Nullable Object body, String accept) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofMinutes(5))
                .header("Authorization", "Bearer " + token)
                .header("Accept", accept);
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)));
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ApiException(
                    ExitCodes.UNREACHABLE,
                    "cannot reach keybridge at " + base + " (" + e.getClass().getSimpleName() + "); is it running?"
                            + " Set KEYBRIDGE_URL or --url.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(ExitCodes.FAILED, "interrupted");
        }
    }

    private JsonNode parse(HttpResponse<String> response) {
        try {
            return json.readTree(response.body());
        } catch (RuntimeException e) {
            throw new ApiException(
                    ExitCodes.FAILED,
                    "keybridge answered " + response.statusCode() + " with something that is not JSON: is " + base
                            + " keybridge?");
        }
    }

    /** "Name already in use: …", with each field problem on a line of its own. */
    private static String problem(int status, JsonNode problem) {
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

    private static String queryString(Map<String, ?> query) {
        StringJoiner joined = new StringJoiner("&", "?", "").setEmptyValue("");
        query.forEach((name, value) -> {
            if (value != null && !value.toString().isBlank()) {
                joined.add(name + "=" + URLEncoder.encode(value.toString(), StandardCharsets.UTF_8));
            }
        });
        return joined.toString();
    }
}
