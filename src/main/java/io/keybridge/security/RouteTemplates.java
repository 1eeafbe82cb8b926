package io.keybridge.security;

import jakarta.servlet.http.HttpServletRequest;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * How a refused request is named in the audit log: its route, with ids templated out and the key id apart. A path
 * segment that no route of keybridge's has is written {@code {?}}: a caller probing random paths and ids makes one name,
 * not one per path (every distinct name would be an audit row).
 */
@Component
public class RouteTemplates {

    private static final Pattern ID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    /** Segments of the actuator's and the static resources' paths, which are not request mappings. */
    private static final List<String> OTHER_SEGMENTS = List.of(
            "actuator", "health", "liveness", "readiness", "info", "metrics", "prometheus", "css", "js", "favicon.ico");

    private static final int MAX_SEGMENTS = 8;

    private final ObjectProvider<RequestMappingHandlerMapping> mappings;
    private volatile @Nullable Set<String> known;

    RouteTemplates(@Qualifier("requestMappingHandlerMapping") ObjectProvider<RequestMappingHandlerMapping> mappings) {
        this.mappings = mappings;
    }

    /** e.g. {@code POST /api/v1/keys/{id}/revoke}, or {@code GET /api/v1/{?}} for a path keybridge does not serve. */
    public String action(HttpServletRequest request) {
        Set<String> segments = knownSegments();
        String path = request.getRequestURI();
        StringBuilder template = new StringBuilder(safeMethod(request.getMethod())).append(' ');
        String[] parts = path.split("/", -1);
        int shown = 0;
        for (int i = 1; i < parts.length; i++) {
            if (++shown > MAX_SEGMENTS) {
                template.append("/…");
                break;
            }
            String part = parts[i];
            template.append('/')
                    .append(
                            ID.matcher(part).matches()
                                    ? "{id}"
                                    : segments.contains(part) || part.isEmpty() ? part : "{?}");
        }
        return template.toString();
    }

    /** The key id in the path, if any. */
    public @Nullable UUID keyId(HttpServletRequest request) {
        Matcher matcher = ID.matcher(request.getRequestURI());
        return matcher.find() ? UUID.fromString(matcher.group()) : null;
    }

    private static String safeMethod(String method) {
        return method.matches("[A-Z]{1,10}") ? method : "OTHER";
    }

    /** Every literal segment of every route: read once, when the first refusal is named. */
    private Set<String> knownSegments() {
        Set<String> segments = known;
        if (segments == null) {
            segments = new HashSet<>(OTHER_SEGMENTS);
            RequestMappingHandlerMapping mapping = mappings.getIfAvailable();
            if (mapping != null) {
                for (var info : mapping.getHandlerMethods().keySet()) {
                    for (String pattern : info.getPatternValues()) {
                        for (String part : pattern.split("/")) {
                            if (!part.isEmpty() && !part.contains("{") && !part.contains("*")) {
                                segments.add(part);
                            }
                        }
                    }
                }
            }
            known = Set.copyOf(segments);
        }
        return segments;
    }
}
