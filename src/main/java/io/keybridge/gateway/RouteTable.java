package io.keybridge.gateway;

import io.keybridge.config.PolicyFiles;
import io.keybridge.keys.KeyProperties;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.server.PathContainer;
import org.springframework.stereotype.Component;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import org.springframework.web.util.pattern.PatternParseException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Which scopes a call needs, from the route files in {@code keybridge.gateway.routes}, loaded once at start. Every file
 * is validated and the first broken rule stops start-up naming the file and the line. A call that no route covers is
 * refused: deny by default.
 *
 * <p>When several routes cover a call, the one for its host wins over one for any host, then the most specific path
 * pattern (Spring's {@link PathPattern#SPECIFICITY_COMPARATOR}: {@code /v1/lists/{id}} over {@code /v1/lists/**}),
 * then a route naming the method over one for any method.
 */
@Component
class RouteTable {

    private static final Logger log = LoggerFactory.getLogger(RouteTable.class);
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
    private static final Set<String> FIELDS = Set.of("match", "host", "scopes");
    private static final Pattern HOST =
            Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
    private static final int MAX_ROUTES = 10_000;

    private final List<Route> routes;

    public RouteTable(GatewayProperties properties, KeyProperties keys) {
        this.routes = load(properties.routes(), keys.scopes().keySet());
        log.info("{} gateway route(s) loaded from {}", routes.size(), PolicyFiles.describe(properties.routes()));
    }

    /** The route that covers a call to {@code path} (no query string), if any. */
    public Optional<Route> match(String method, @Nullable String host, String path) {
        PathContainer container = PathContainer.parsePath(path);
        for (Route route : routes) {
            if (route.matches(method, host, container)) {
                return Optional.of(route);
            }
        }
        return Optional.empty();
    }

    /** Every route, in the order they are tried. */
    public List<Route> all() {
        return routes;
    }

    static List<Route> load(Path folder, Set<String> catalog) {
        return load(folder.toString(), catalog);
    }

    /** @param location a folder, or {@code classpath:policies/routes} for the routes shipped in the jar */
    static List<Route> load(String location, Set<String> catalog) {
        List<PolicyFiles.PolicyFile> files;
        try {
            files = PolicyFiles.read(location).orElse(null);
        } catch (java.io.UncheckedIOException e) {
            throw new RouteFileException(
                    location, "the folder cannot be read: " + e.getCause().getMessage());
        }
        if (files == null) {
            log.warn(
                    "no route folder at {} (keybridge.gateway.routes): /authz refuses every call with 403 no-route",
                    PolicyFiles.describe(location));
            return List.of();
        }
        List<Route> routes = new ArrayList<>();
        Map<String, String> seen = new HashMap<>();
        for (PolicyFiles.PolicyFile file : files) {
            for (Route route : parse(file.name(), file.text(), catalog)) {
                for (String method : route.methods().isEmpty() ? Set.of("*") : route.methods()) {
                    String key =
                            method + " " + route.host() + " " + route.pattern().getPatternString();
                    String earlier = seen.putIfAbsent(key, route.where());
                    if (earlier != null) {
                        throw new RouteFileException(
                                route.where(),
                                "the route " + (method.equals("*") ? "" : method + " ")
                                        + route.pattern().getPatternString()
                                        + (route.host() == null ? "" : " on " + route.host())
                                        + " is already defined at " + earlier);
                    }
                }
                routes.add(route);
            }
        }
        if (routes.size() > MAX_ROUTES) {
            throw new RouteFileException(location, "more than " + MAX_ROUTES + " routes");
        }
        routes.sort(Comparator.comparing((Route route) -> route.host() == null)
                .thenComparing(Route::pattern, PathPattern.SPECIFICITY_COMPARATOR)
                .thenComparing(route -> route.methods().isEmpty()));
        return List.copyOf(routes);
    }

    static List<Route> parse(String name, String text, Set<String> catalog) {
        Node document;
        try {
            document = new Yaml(new LoaderOptions()).compose(new java.io.StringReader(text));
        } catch (RuntimeException e) {
            throw new RouteFileException(name, "is not valid YAML: " + e.getMessage());
        }
        if (document == null) {
            return List.of();
        }
        if (!(document instanceof MappingNode top)
                || top.getValue().size() != 1
                || !"routes".equals(scalar(top.getValue().getFirst().getKeyNode()))) {
            throw new RouteFileException(at(name, document), "must be a mapping with one field, routes: a list");
        }
        if (!(top.getValue().getFirst().getValueNode() instanceof SequenceNode list)) {
            throw new RouteFileException(at(name, top.getValue().getFirst().getValueNode()), "routes must be a list");
        }
        List<Route> routes = new ArrayList<>();
        for (Node item : list.getValue()) {
            routes.add(route(name, item, catalog));
        }
        return routes;
    }

    private static Route route(String file, Node item, Set<String> catalog) {
        String where = at(file, item);
        if (!(item instanceof MappingNode mapping)) {
            throw new RouteFileException(where, "each route must be a mapping of match, scopes and optionally host");
        }
        String match = null;
        String host = null;
        Set<String> scopes = null;
        for (NodeTuple field : mapping.getValue()) {
            String key = scalar(field.getKeyNode());
            Node value = field.getValueNode();
            String fieldAt = at(file, field.getKeyNode());
            if (key == null || !FIELDS.contains(key)) {
                throw new RouteFileException(
                        fieldAt, "'" + key + "' is not a route field; known fields: " + new TreeSet<>(FIELDS));
            }
            switch (key) {
                case "match" -> match = requiredScalar(fieldAt, key, value);
                case "host" -> host = requiredScalar(fieldAt, key, value).toLowerCase(Locale.ROOT);
                default -> scopes = scopes(at(file, value), value, catalog);
            }
        }
        if (match == null) {
            throw new RouteFileException(
                    where, "match is required, e.g. 'GET /v1/lists/**' or 'POST|PUT /v1/leads/**'");
        }
        if (scopes == null) {
            throw new RouteFileException(
                    where, "scopes is required: the scopes the call needs, or [] for any valid key");
        }
        if (host != null && !HOST.matcher(host).matches()) {
            throw new RouteFileException(where, "host must be a host name such as api.example.com, without a port");
        }
        String[] parts = match.strip().split("\\s+");
        if (parts.length != 2) {
            throw new RouteFileException(where, "match must be '<methods> <path pattern>', e.g. 'GET /v1/lists/**'");
        }
        Set<String> methods = new LinkedHashSet<>();
        if (!parts[0].equals("*")) {
            for (String method : parts[0].split("\\|", -1)) {
                if (!METHODS.contains(method)) {
                    throw new RouteFileException(
                            where,
                            "'" + method + "' is not a method; use " + new TreeSet<>(METHODS) + " joined by |, or *");
                }
                methods.add(method);
            }
        }
        String pattern = parts[1];
        if (!pattern.startsWith("/")) {
            throw new RouteFileException(where, "the path pattern must start with /: " + pattern);
        }
        PathPattern parsed;
        try {
            parsed = PathPatternParser.defaultInstance.parse(pattern);
        } catch (PatternParseException e) {
            throw new RouteFileException(where, "'" + pattern + "' is not a path pattern: " + e.getMessage());
        }
        return new Route(Set.copyOf(methods), host, parsed, scopes, where);
    }

    private static Set<String> scopes(String where, Node value, Set<String> catalog) {
        if (!(value instanceof SequenceNode list)) {
            throw new RouteFileException(where, "scopes must be a list, e.g. [lists:read], or [] for any valid key");
        }
        Set<String> scopes = new TreeSet<>();
        for (Node item : list.getValue()) {
            String scope = scalar(item);
            if (scope == null || !catalog.contains(scope)) {
                throw new RouteFileException(
                        where,
                        "scope '" + scope + "' is not in the scope catalog (keybridge.keys.scopes): "
                                + new TreeSet<>(catalog));
            }
            scopes.add(scope);
        }
        return Set.copyOf(scopes);
    }

    private static String requiredScalar(String where, String field, Node value) {
        String text = scalar(value);
        if (text == null || text.isBlank()) {
            throw new RouteFileException(where, field + " must be a non-empty text");
        }
        return text;
    }

    private static @Nullable String scalar(Node node) {
        return node instanceof ScalarNode scalar ? scalar.getValue() : null;
    }

    private static String at(String file, Node node) {
        return file + ":" + (node.getStartMark().getLine() + 1);
    }
}
