package io.keybridge.keys;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * IP address literals, parsed strictly and never resolved. {@link InetAddress#getByName} looks up anything that is not
 * a valid literal ({@code 999.1.1.1} becomes a DNS query, and may pass an allow-list if it resolves inside it), so IPv4
 * is parsed here, byte by byte, as four decimal octets of 0 to 255 without leading zeros; IPv6 is handed to the JDK
 * only once it contains a colon and nothing but hex digits, colons and dots, which the JDK parses as a literal and
 * never looks up. IPv4-mapped IPv6 ({@code ::ffff:10.0.0.1}) comes back as the IPv4 address.
 */
public final class IpAddresses {

    private static final String OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
    private static final Pattern IPV4 = Pattern.compile(OCTET + "(\\." + OCTET + "){3}");
    private static final Pattern IPV6_CHARACTERS = Pattern.compile("[0-9A-Fa-f:][0-9A-Fa-f:.]{1,44}");

    private IpAddresses() {}

    /** The address the text is a literal of; empty for anything else (a host name, a zone id, a bad octet). */
    public static Optional<InetAddress> parse(@Nullable String text) {
        if (text == null || text.isEmpty() || text.length() > 45) {
            return Optional.empty();
        }
        try {
            if (IPV4.matcher(text).matches()) {
                String[] octets = text.split("\\.");
                byte[] bytes = new byte[4];
                for (int i = 0; i < 4; i++) {
                    bytes[i] = (byte) Integer.parseInt(octets[i]);
                }
                return Optional.of(InetAddress.getByAddress(bytes));
            }
            if (text.indexOf(':') >= 0 && IPV6_CHARACTERS.matcher(text).matches() && embeddedIpv4IsStrict(text)) {
                return Optional.of(InetAddress.getByName(text)); // a literal with a colon: parsed, never resolved
            }
        } catch (UnknownHostException e) {
            // not a valid IPv6 literal
        }
        return Optional.empty();
    }

    /** Whether the text is an address literal. */
    public static boolean isAddress(@Nullable String text) {
        return parse(text).isPresent();
    }

    /** One spelling per address: IPv4 dotted quad, IPv6 as the JDK writes it (no zone). */
    public static String canonical(InetAddress address) {
        String text = address.getHostAddress();
        int zone = text.indexOf('%');
        return zone < 0 ? text : text.substring(0, zone);
    }

    /**
     * Whom an address stands for when counting refusals: an IPv4 address alone, an IPv6 address by its {@code /64},
     * the block one subscriber or host is usually given (counting single IPv6 addresses gives everyone endless budgets).
     */
    public static String subscriber(InetAddress address) {
        if (address instanceof Inet6Address) {
            byte[] network = Arrays.copyOf(address.getAddress(), 16);
            Arrays.fill(network, 8, 16, (byte) 0);
            try {
                return canonical(InetAddress.getByAddress(network)) + "/64";
            } catch (UnknownHostException impossible) {
                throw new IllegalStateException(impossible);
            }
        }
        return canonical(address);
    }

    /** Whether {@code address} lies in the block {@code network/prefixLength}; false across IPv4 and IPv6. */
    static boolean contains(InetAddress network, int prefixLength, InetAddress address) {
        byte[] block = network.getAddress();
        byte[] candidate = address.getAddress();
        if (block.length != candidate.length) {
            return false;
        }
        int whole = prefixLength / 8;
        for (int i = 0; i < whole; i++) {
            if (block[i] != candidate[i]) {
                return false;
            }
        }
        int rest = prefixLength % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xFF << (8 - rest)) & 0xFF;
        return (block[whole] & mask) == (candidate[whole] & mask);
    }

    /** An IPv6 literal that ends in an IPv4 address ({@code ::ffff:10.0.0.1}) must spell that part strictly too. */
    private static boolean embeddedIpv4IsStrict(String text) {
        if (text.indexOf('.') < 0) {
            return true;
        }
        String tail = text.substring(text.lastIndexOf(':') + 1);
        return IPV4.matcher(tail).matches();
    }
}
