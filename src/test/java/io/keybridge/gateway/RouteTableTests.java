package io.keybridge.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RouteTableTests {

    private static final Set<String> CATALOG = Set.of("lists:read", "lists:write", "leads:read", "leads:write");

    @TempDir
    Path folder;

    @Test
    void theShippedRouteFileLoads() {
        List<Route> routes = RouteTable.load(Path.of("policies/routes"), CATALOG);
        assertThat(routes).isNotEmpty();
        assertThat(scopes(routes, "GET", null, "/v1/lists/42")).contains(Set.of("lists:read"));
        assertThat(scopes(routes, "DELETE", null, "/v1/leads/7")).contains(Set.of("leads:write"));
        assertThat(scopes(routes, "GET", null, "/v1/status")).contains(Set.of());
        assertThat(scopes(routes, "GET", null, "/v1/admin")).isEmpty();
    }

    @Test
    void theRoutesShippedInTheJarAreTheOnesInTheCheckout() {
        assertThat(RouteTable.load("classpath:policies/routes", CATALOG).toString())
                .isEqualTo(RouteTable.load(Path.of("policies/routes"), CATALOG).toString());
    }

    @Test
    void theMostSpecificRouteWinsThenTheHostThenTheNamedMethod() throws IOException {
        write("a.yaml", """
                routes:
                  - match: GET /v1/lists/**
                    scopes: [lists:read]
                  - match: GET /v1/lists/{id}/export
                    scopes: [lists:write]
                  - match: "* /v1/leads/**"
                    scopes: [leads:read]
                  - match: DELETE /v1/leads/**
                    scopes: [leads:write]
                  - match: GET /v1/lists/**
                    host: internal.example.com
                    scopes: []
                """);
        List<Route> routes = RouteTable.load(folder, CATALOG);
        assertThat(scopes(routes, "GET", null, "/v1/lists/1/export")).contains(Set.of("lists:write"));
        assertThat(scopes(routes, "GET", null, "/v1/lists/1")).contains(Set.of("lists:read"));
        assertThat(scopes(routes, "HEAD", null, "/v1/lists/1"))
                .as("HEAD goes with GET")
                .contains(Set.of("lists:read"));
        assertThat(scopes(routes, "POST", null, "/v1/lists/1")).isEmpty();
        assertThat(scopes(routes, "DELETE", null, "/v1/leads/1")).contains(Set.of("leads:write"));
        assertThat(scopes(routes, "PATCH", null, "/v1/leads/1")).contains(Set.of("leads:read"));
        assertThat(scopes(routes, "GET", "Internal.Example.com:8443", "/v1/lists/1"))
                .contains(Set.of());
        assertThat(scopes(routes, "GET", "other.example.com", "/v1/lists/1")).contains(Set.of("lists:read"));
    }

    @Test
    void aBrokenRouteStopsStartUpNamingTheFileAndLine() throws IOException {
        assertRefused("routes:\n  - match: GET /v1/x\n    scopes: [nope:read]\n", "bad.yaml:3", "scope 'nope:read'");
        assertRefused("routes:\n  - match: GET /v1/{x\n    scopes: []\n", "bad.yaml:2", "is not a path pattern");
        assertRefused("routes:\n  - match: FETCH /v1/x\n    scopes: []\n", "bad.yaml:2", "'FETCH' is not a method");
        assertRefused("routes:\n  - match: GET v1/x\n    scopes: []\n", "bad.yaml:2", "must start with /");
        assertRefused("routes:\n  - match: GET /v1/x\n", "bad.yaml:2", "scopes is required");
        assertRefused("routes:\n  - match: GET /v1/x\n    scope: []\n", "bad.yaml:3", "'scope' is not a route field");
        assertRefused(
                "routes:\n  - match: GET /v1/x\n    scopes: []\n    host: a.b:80\n", "bad.yaml:2", "host must be");
        assertRefused("routes: [\n", "bad.yaml", "is not valid YAML");
        assertRefused("- match: GET /v1/x\n", "bad.yaml:1", "must be a mapping with one field, routes");
    }

    @Test
    void aRouteDefinedTwiceStopsStartUpNamingBothPlaces() throws IOException {
        write("a.yaml", "routes:\n  - match: GET|POST /v1/x/**\n    scopes: []\n");
        write(
                "b.yaml",
                "routes:\n  - match: GET /v1/other\n    scopes: []\n  - match: POST /v1/x/**\n    scopes: []\n");
        assertThatThrownBy(() -> RouteTable.load(folder, CATALOG))
                .isInstanceOf(RouteFileException.class)
                .hasMessageContaining("b.yaml:4")
                .hasMessageContaining("POST /v1/x/** is already defined at a.yaml:2");
    }

    @Test
    void noFolderMeansNoRouteAndEveryCallRefused() {
        assertThat(RouteTable.load(folder.resolve("absent"), CATALOG)).isEmpty();
    }

    private void assertRefused(String yaml, String where, String rule) throws IOException {
        Path file = write("bad.yaml", yaml);
        assertThatThrownBy(() -> RouteTable.load(folder, CATALOG))
                .isInstanceOf(RouteFileException.class)
                .hasMessageStartingWith("route file " + where)
                .hasMessageContaining(rule);
        Files.delete(file);
    }

    private Path write(String name, String yaml) throws IOException {
        return Files.writeString(folder.resolve(name), yaml);
    }

    private static Optional<Set<String>> scopes(List<Route> routes, String method, String host, String path) {
        var container = org.springframework.http.server.PathContainer.parsePath(path);
        return routes.stream()
                .filter(route -> route.matches(method, host, container))
                .findFirst()
                .map(Route::scopes);
    }
}
