package io.keybridge.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** CIDR allow-lists: blocks contain exactly their addresses, and nothing that is not an address is ever looked up. */
class AllowedSourcesProperties {

    @Property
    void anIpv4BlockPermitsItsAddressesAndNoOthers(
            @ForAll int address, @ForAll @IntRange(min = 1, max = 32) int prefix, @ForAll int other) {
        int mask = prefix == 32 ? -1 : ~(-1 >>> prefix);
        AllowedSources block = AllowedSources.of(List.of(dotted(address & mask) + "/" + prefix));

        assertThat(block.permits(dotted(address))).isTrue();
        assertThat(block.permits(dotted(other))).isEqualTo((other & mask) == (address & mask));
    }

    @Property
    void hostNamesAndJunkAreNeitherAcceptedNorResolved(@ForAll("notAddresses") String text) {
        AllowedSources anywhereButHere = AllowedSources.of(List.of("0.0.0.0/0", "::/0"));

        assertThat(AllowedSources.isAddress(text)).isFalse();
        assertThat(anywhereButHere.permits(text))
                .as("not an address: refused, never resolved")
                .isFalse();
        assertThatThrownBy(() -> AllowedSources.of(List.of(text))).isInstanceOf(IllegalArgumentException.class);
    }

    @Provide
    Arbitrary<String> notAddresses() {
        return Arbitraries.oneOf(
                Arbitraries.strings()
                        .withCharRange('a', 'z')
                        .ofMinLength(1)
                        .ofMaxLength(20)
                        .map(s -> s + ".com"),
                Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(30).filter(s -> !s.matches("[0-9A-Fa-f:]*")),
                Arbitraries.of("localhost", "example.com", "1.2.3", "1.2.3.4.5", "256.1.1.1x", "::g", ":", " ", ""));
    }

    private static String dotted(int address) {
        return (address >>> 24) + "." + ((address >>> 16) & 255) + "." + ((address >>> 8) & 255) + "."
                + (address & 255);
    }
}
