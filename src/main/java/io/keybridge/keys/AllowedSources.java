package io.keybridge.keys;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The addresses a key may be presented from: CIDR blocks (or single addresses), IPv4 or IPv6. Empty means anywhere.
 * Only address literals are accepted, in the list and when matching: a host name would make every check a DNS lookup.
 */
public final class AllowedSources {

    public static final AllowedSources ANYWHERE = new AllowedSources(List.of());
    public static final int MAX_ENTRIES = 20;

    private final List<String> blocks;
    private final List<Block> parsed;

    private AllowedSources(List<String> blocks) {
        this.blocks = List.copyOf(blocks);
        this.parsed = blocks.stream().map(AllowedSources::block).toList();
    }

    /** A CIDR block, parsed: its network address and prefix length. */
    private record Block(InetAddress network, int prefixLength) {}

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
        return IpAddresses.isAddress(text);
    }

    public boolean anywhere() {
        return blocks.isEmpty();
    }

    /** Whether a key may be presented from the address; false for anything that is not an address literal. */
    public boolean permits(@Nullable String address) {
        if (anywhere()) {
            return true;
        }
        InetAddress parsedAddress = IpAddresses.parse(address).orElse(null);
        if (parsedAddress == null) {
            return false;
        }
        for (Block block : parsed) {
            if (IpAddresses.contains(block.network(), block.prefixLength(), parsedAddress)) {
                return true;
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
        InetAddress parsedAddress = IpAddresses.parse(address)
                .orElseThrow(() -> new IllegalArgumentException("allowedSources: '" + shorten(text)
                        + "' is not an IPv4 or IPv6 address or CIDR block such as 10.0.0.0/8"));
        if (slash >= 0) {
            String prefix = text.substring(slash + 1);
            int max = parsedAddress.getAddress().length * 8;
            if (!prefix.matches("0|[1-9][0-9]{0,2}") || Integer.parseInt(prefix) > max) {
                throw new IllegalArgumentException(
                        "allowedSources: '" + shorten(text) + "' needs a prefix length from 0 to " + max);
            }
        }
        return text;
    }

    private static Block block(String text) {
        int slash = text.indexOf('/');
        InetAddress network =
                IpAddresses.parse(slash < 0 ? text : text.substring(0, slash)).orElseThrow();
        int max = network.getAddress().length * 8;
        return new Block(network, slash < 0 ? max : Integer.parseInt(text.substring(slash + 1)));
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
