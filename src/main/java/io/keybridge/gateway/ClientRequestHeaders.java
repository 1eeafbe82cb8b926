package io.keybridge.gateway;

import io.keybridge.keys.IpAddresses;
import java.util.List;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/** Reads the client's key and address from the headers a gateway passes on, per {@link GatewayProperties}. */
@Component
public class ClientRequestHeaders {

    private static final String BEARER = "Bearer ";

    private final GatewayProperties properties;

    ClientRequestHeaders(GatewayProperties properties) {
        this.properties = properties;
    }

    /** A key as the client presented it, and the header it came in (which the gateway removes before the upstream). */
    public record PresentedKey(String value, String header) {}

    /**
     * The client's key: the key header, else {@code Authorization: Bearer <key>}.
     *
     * @param header a request header by name (case-insensitive), or null
     */
    public @Nullable PresentedKey key(Function<String, @Nullable String> header) {
        String key = header.apply(properties.keyHeader());
        if (key != null && !key.isBlank()) {
            return new PresentedKey(key.strip(), properties.keyHeader());
        }
        String authorization = header.apply("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return new PresentedKey(authorization.substring(BEARER.length()).strip(), "Authorization");
        }
        return null;
    }

    /**
     * The client's address: the entry of the address header at {@code forwardedForDepth} from the right, if it is an
     * address literal. Left of it are the entries the client wrote itself, which prove nothing.
     *
     * @param values every value of the address header, in order (a header may be repeated)
     */
    public @Nullable String source(List<String> values) {
        if (values.isEmpty()) {
            return null;
        }
        String joined = String.join(",", values);
        if (joined.length() > 2000) {
            return null;
        }
        String[] entries = joined.split(",");
        int index = entries.length - properties.forwardedForDepth();
        if (index < 0) {
            return null;
        }
        return IpAddresses.parse(entries[index].strip())
                .map(IpAddresses::canonical)
                .orElse(null);
    }

    /** The header the client's address comes in. */
    public String addressHeader() {
        return properties.clientAddressHeader();
    }
}
