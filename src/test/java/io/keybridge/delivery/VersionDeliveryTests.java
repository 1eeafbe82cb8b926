package io.keybridge.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyCollection;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.keybridge.keys.DeliveryState;
import io.keybridge.keys.Environment;
import io.keybridge.keys.KeyDestination;
import io.keybridge.keys.KeyFormat;
import io.keybridge.keys.KeyMaterial;
import io.keybridge.keys.KeyVersion;
import io.keybridge.keys.KeyVersions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The write-ahead order of one delivery, with the store and the repository isolated: what is recorded before each
 * store call, what a store that confirms by its write's answer saves, and how a stale record falls back to reading.
 */
class VersionDeliveryTests {

    private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");

    private final SecretDestination store = mock(SecretDestination.class);
    private final KeyVersions versions = mock(KeyVersions.class);
    private final VersionDelivery delivery;
    private final UUID keyId = UUID.randomUUID();
    private final KeyMaterial material = new KeyFormat("ee").generate(Environment.LIVE, new SecureRandom());
    private final KeyVersion version = KeyVersion.pending(keyId, 3, material, NOW, null);
    private final KeyDestination first = destination(0, "team/first");
    private final KeyDestination second = destination(1, "team/second");
    private final SecretPayload payload = new SecretPayload(
            keyId, version.id(), "team", version.displayPrefix(), Environment.LIVE, new TreeSet<>(), NOW, null);

    VersionDeliveryTests() {
        when(store.type()).thenReturn("kv");
        delivery = new VersionDelivery(
                new Destinations(List.of(store), new SimpleMeterRegistry()),
                versions,
                new TransactionTemplate(mock(PlatformTransactionManager.class)),
                Clock.fixed(NOW, ZoneOffset.UTC),
                mock(ApplicationEventPublisher.class));
    }

    @AfterEach
    void close() {
        material.close();
    }

    @Test
    void aStoreThatConfirmsByItsAnswerIsWrittenOnceAndTheLastConfirmationIsLeftToTheCaller() {
        Intent planned = new Intent("3", false, true);
        when(versions.remoteVersionsAt(anyCollection())).thenReturn(Map.of(first.id(), List.of("1", "2")));
        when(store.planFromRecord("team/first", payload, List.of("1", "2"))).thenReturn(planned);
        when(store.writeConfirms()).thenReturn(true);
        when(store.write("team/first", planned, payload, material)).thenReturn(planned);

        Map<UUID, Intent> plans = delivery.plan(List.of(first), payload);
        delivery.recordPlans(version, List.of(first), plans);
        VersionDelivery.Confirmation left = delivery.deliver(version, List.of(first), payload, material, plans);

        assertThat(plans).containsExactly(Map.entry(first.id(), planned));
        verify(store, never()).prepare(any(), any());
        verify(store, never()).confirm(any(), any(), any());
        verify(versions).updateDelivery(version.id(), first.id(), DeliveryState.PENDING, "3", false, null, NOW);
        verify(versions, never())
                .updateDelivery(any(), any(), eq(DeliveryState.CONFIRMED), any(), eq(false), isNull(), any());
        assertThat(left).isEqualTo(new VersionDelivery.Confirmation(version, first, planned));

        delivery.record(left);
        verify(versions).updateDelivery(version.id(), first.id(), DeliveryState.CONFIRMED, "3", false, null, NOW);
    }

    @Test
    void aStaleRecordCostsOneRefusedWriteThenTheStoreIsReadAndTheNewPlanRecordedBeforeTheSecondWrite() {
        Intent fromRecord = new Intent("3", false, true);
        Intent fromStore = new Intent("5", false, true);
        when(versions.remoteVersionsAt(anyCollection())).thenReturn(Map.of(first.id(), List.of("2")));
        when(store.planFromRecord(any(), any(), anyCollection())).thenReturn(fromRecord);
        when(store.writeConfirms()).thenReturn(true);
        when(store.write("team/first", fromRecord, payload, material))
                .thenThrow(new DestinationException("kv/team/first", "check-and-set refused", null, true));
        when(store.prepare("team/first", payload)).thenReturn(fromStore);
        when(store.write("team/first", fromStore, payload, material)).thenReturn(fromStore);

        Map<UUID, Intent> plans = delivery.plan(List.of(first), payload);
        VersionDelivery.Confirmation left = delivery.deliver(version, List.of(first), payload, material, plans);

        InOrder order = inOrder(store, versions);
        order.verify(store).write("team/first", fromRecord, payload, material);
        order.verify(store).prepare("team/first", payload);
        order.verify(versions).updateDelivery(version.id(), first.id(), DeliveryState.PENDING, "5", false, null, NOW);
        order.verify(store).write("team/first", fromStore, payload, material);
        assertThat(left.intent()).isEqualTo(fromStore);
    }

    @Test
    void aRefusalOfAWritePlannedFromTheStoreItselfIsNotRetried() {
        Intent fromStore = new Intent("2", false, true);
        when(versions.remoteVersionsAt(anyCollection())).thenReturn(Map.of());
        when(store.prepare("team/first", payload)).thenReturn(fromStore);
        when(store.write("team/first", fromStore, payload, material))
                .thenThrow(new DestinationException("kv/team/first", "permission denied", null, true));

        Map<UUID, Intent> plans = delivery.plan(List.of(first), payload);

        assertThatThrownBy(() -> delivery.deliver(version, List.of(first), payload, material, plans))
                .isInstanceOf(DestinationException.class)
                .hasMessageContaining("permission denied");
        verify(store).prepare("team/first", payload);
        verify(versions).updateDelivery(version.id(), first.id(), DeliveryState.PENDING, "2", false, null, NOW);
        verify(versions)
                .updateDelivery(version.id(), first.id(), DeliveryState.FAILED, "2", false, "permission denied", NOW);
    }

    @Test
    void aStoreThatConfirmsSeparatelyIsConfirmedAndEveryDestinationButTheLastIsRecordedBeforeTheNextCall() {
        Intent one = new Intent("a", false, true);
        Intent two = new Intent("b", false, true);
        when(versions.remoteVersionsAt(anyCollection())).thenReturn(Map.of());
        when(store.prepare("team/first", payload)).thenReturn(one);
        when(store.prepare("team/second", payload)).thenReturn(two);
        when(store.write("team/first", one, payload, material)).thenReturn(one);
        when(store.write("team/second", two, payload, material)).thenReturn(two);

        VersionDelivery.Confirmation left =
                delivery.deliver(version, List.of(first, second), payload, material, Map.of());

        InOrder order = inOrder(store, versions);
        order.verify(store).write("team/first", one, payload, material);
        order.verify(versions).updateDelivery(version.id(), first.id(), DeliveryState.WRITTEN, "a", false, null, NOW);
        order.verify(store).confirm("team/first", one, payload);
        order.verify(versions).updateDelivery(version.id(), first.id(), DeliveryState.CONFIRMED, "a", false, null, NOW);
        order.verify(store).prepare("team/second", payload);
        order.verify(store).write("team/second", two, payload, material);
        order.verify(store).confirm("team/second", two, payload);
        assertThat(left).isEqualTo(new VersionDelivery.Confirmation(version, second, two));
        verify(versions, never())
                .updateDelivery(any(), eq(second.id()), eq(DeliveryState.CONFIRMED), any(), eq(false), any(), any());
    }

    private KeyDestination destination(int position, String path) {
        return new KeyDestination(UUID.randomUUID(), keyId, position, "kv", path, "kv/" + path);
    }
}
