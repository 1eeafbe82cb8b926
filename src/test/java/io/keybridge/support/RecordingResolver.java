package io.keybridge.support;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The JVM's name resolver in every test JVM, recording each name it is asked to look up, so that a test can prove that
 * a value was never resolved (an address literal must never become a DNS query). Installed through
 * {@code META-INF/services}; every lookup is passed on to the built-in resolver.
 */
public final class RecordingResolver extends InetAddressResolverProvider {

    private static final Set<String> LOOKED_UP = ConcurrentHashMap.newKeySet();

    /** Whether the name was ever looked up in this JVM. */
    public static boolean lookedUp(String name) {
        return LOOKED_UP.contains(name);
    }

    @Override
    public InetAddressResolver get(Configuration configuration) {
        InetAddressResolver builtin = configuration.builtinResolver();
        return new InetAddressResolver() {
            @Override
            public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
                LOOKED_UP.add(host);
                return builtin.lookupByName(host, policy);
            }

            @Override
            public String lookupByAddress(byte[] address) throws UnknownHostException {
                return builtin.lookupByAddress(address);
            }
        };
    }

    @Override
    public String name() {
        return "keybridge-test-recording-resolver";
    }
}
