package io.keybridge.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A browser without a browser, for the dashboard's rules: keeps the session cookie, follows no redirect, posts forms
 * with (or, to test the refusal, without) the CSRF token of the last page. Every page goes to the secret scan.
 */
public final class Dashboard {

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    private final String base;
    private final CookieManager cookies = new CookieManager();
    private final HttpClient http;
    private String csrf = "";

    public Dashboard(int port) {
        this.base = "http://127.0.0.1:" + port;
        this.http = HttpClient.newBuilder()
                .cookieHandler(cookies)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** Signs in with an operator token; fails the test unless the dashboard accepts it. */
    public static Dashboard signedIn(int port, String token) {
        Dashboard dashboard = new Dashboard(port);
        Page answer = dashboard.signIn(token);
        assertThat(answer.status()).as(answer.body()).isEqualTo(302);
        assertThat(answer.location()).endsWith("/ui/keys");
        return dashboard;
    }

    public Page signIn(String token) {
        get("/login");
        return post("/login", Map.of("token", List.of(token)));
    }

    public Page get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    /** Posts a form with the CSRF token of the last page fetched. */
    public Page post(String path, Map<String, List<String>> form) {
        Map<String, List<String>> withToken = new java.util.LinkedHashMap<>(form);
        withToken.put("_csrf", List.of(csrf));
        return postRaw(path, withToken);
    }

    /** Posts a form exactly as given: no CSRF token unless the form has one. */
    public Page postRaw(String path, Map<String, List<String>> form) {
        List<String> fields = new ArrayList<>();
        form.forEach((name, values) ->
                values.forEach(value -> fields.add(URLEncoder.encode(name, StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(value, StandardCharsets.UTF_8))));
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(String.join("&", fields))));
    }

    public Optional<HttpCookie> sessionCookie() {
        return cookies.getCookieStore().getCookies().stream()
                .filter(cookie -> cookie.getName().equals("KEYBRIDGE_SESSION"))
                .findFirst();
    }

    private Page send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            Api.RESPONSES.add(response.headers().map() + "\n" + response.body());
            Matcher token = CSRF.matcher(response.body());
            if (token.find()) {
                csrf = token.group(1);
            }
            return new Page(response.statusCode(), response.headers().map(), response.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** One page as the server sent it. */
    public record Page(int status, Map<String, List<String>> headers, String body) {

        public String location() {
            return headers.getOrDefault("location", List.of("")).getFirst();
        }

        public List<String> setCookies() {
            return headers.getOrDefault("set-cookie", List.of());
        }

        public String header(String name) {
            return headers.getOrDefault(name, List.of("")).getFirst();
        }
    }
}
