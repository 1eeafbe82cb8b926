package io.keybridge.rotation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import java.util.stream.IntStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** How the nodes of a cluster share the keys due: every key is one node's, whichever and however many are alive. */
class DueRotationsTests {

    @Property
    void everyKeyDueIsExactlyOneNodesShare(
            @ForAll long high, @ForAll long low, @ForAll @IntRange(min = 1, max = 16) int nodes) {
        UUID keyId = new UUID(high, low);

        long owners = IntStream.range(0, nodes)
                .filter(mine -> new DueRotations.Share(nodes, mine).owns(keyId))
                .count();

        assertThat(owners).isEqualTo(1);
        assertThat(DueRotations.Share.ALL.owns(keyId)).isTrue();
    }
}
