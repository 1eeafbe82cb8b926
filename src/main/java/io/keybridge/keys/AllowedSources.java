package io.keybridge.keys;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.security.web.util.matcher.IpAddressMatcher;

/**
 * The addresses a key may be presented from: CIDR blocks (or single addresses), IPv4 or IPv6. Empty means anywhere.
 * Only address literals are accepted, in the list and when matching: a host name would make every check a DNS lookup.
 */
public final class AllowedSources {

    public static final AllowedSources ANYWHERE = new AllowedSources(List.of());
    public static final int MAX_ENTRIES = 20;

    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 =
            Pattern.compile("[0-9A-Fa-f]{0,4}(:[0-9A-Fa-f]{0,4}){2,7}(:\\d{1,3}(\\.\\d{1,3}){3})?");

    private final List<String> blocks;
    private final List<IpAddressMatcher> matchers;

    private AllowedSources(List<String> blocks) {
        this.blocks = List.copyOf(blocks);
        this.matchers = blocks.stream().map(IpAddressMatcher::new).toList();
    }

    /**
     * @throws IllegalArgumentException naming the entry that is not an address or CIDR block
     */
    public static AllowedSources of(@Nullable Collection<String> blocks) {
        if (blocks == null || blocks.isEmpty()) {
            return ANYWHERE;
        }
        if (blocks.size() > MAX_ENTRIES) {
            throw new IllegalArgumentException("allowedSources lists at most " + MAX_ENTRIES + " CIDR blocks");
        }
        List<String> valid = new ArrayList<>();
        for (String block : blocks) {
            valid.add(validBlock(block));
        }
        return new AllowedSources(valid.stream().distinct().toList());
    }

    /** From the stored form: blocks separated by spaces, or null. */
    public static AllowedSources parse(@Nullable String stored) {
        return stored == null || stored.isBlank()
                ? ANYWHERE
                : of(Arrays.asList(stored.strip().split(" +")));
    }

    /** Whether the text is an IPv4 or IPv6 address literal (and nothing a resolver would look up). */
    public static boolean isAddress(@Nullable String text) {
        return text != null
                && (IPV4.matcher(text).matches() || (IPV6.matcher(text).matches()));
    }

    public boolean anywhere() {
        return blocks.isEmpty();
    }

    /** Whether a key may be presented from the address; false for anything that is not an address literal. */
    public boolean permits(@Nullable String address) {
        if (anywhere()) {
            return true;
        }
        if (!isAddress(address)) {
            return false;
        }
        for (IpAddressMatcher matcher : matchers) {
            try {
                if (matcher.matches(address)) {
                    return true;
                }
            } catch (IllegalArgumentException e) {
                // an IPv6 address against an IPv4 block, or the reverse: not this block
            }
        }
        return false;
    }

    public List<String> blocks() {
        return blocks;
    }

    /** The stored form, or null for anywhere. */
    public @Nullable String stored() {
        return blocks.isEmpty() ? null : String.join(" ", blocks);
    }

    private static String validBlock(@Nullable String block) {
        String text = block == null ? "" : block.strip();
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        if (!isAddress(address)) {
            throw new IllegalArgumentException("allowedSources: '" + shorten(text)
                    + "' is not an IPv4 or IPv6 address or CIDR block such as 10.0.0.0/8");
        }
        if (IPV4.matcher(address).matches()) {
            for (String part : address.split("\\.")) {
                if (Integer.parseInt(part) > 255) {
                    throw new IllegalArgumentException(
                            "allowedSources: '" + shorten(text) + "' is not an IPv4 address");
                }
            }
        }
        if (slash >= 0) {
            String prefix = text.substring(slash + 1);
            int max = IPV4.matcher(address).matches() ? 32 : 128;
            if (!prefix.matches("\\d{1,3}") || Integer.parseInt(prefix) > max) {
                throw new IllegalArgumentException(
                        "allowedSources: '" + shorten(text) + "' needs a prefix length from 0 to " + max);
            }
        }
        try {
            new IpAddressMatcher(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "allowedSources: '" + shorten(text) + "' is not a valid CIDR block (" + e.getMessage() + ")");
        }
        return text;
    }

    private static String shorten(String text) {
        return text.length() > 50 ? text.substring(0, 50) + "…" : text;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AllowedSources that && blocks.equals(that.blocks);
    }

    @Override
    public int hashCode() {
        return blocks.hashCode();
    }

    @Override
    public String toString() {
        return anywhere() ? "anywhere" : String.join(" ", blocks);
    }
}
