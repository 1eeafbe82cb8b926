package io.keybridge.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import io.keybridge.audit.AuditLog;
import io.keybridge.delivery.DeliveredVersions;
import io.keybridge.delivery.DestinationException;
import io.keybridge.delivery.DestinationFields;
import io.keybridge.delivery.Destinations;
import io.keybridge.delivery.PathNotManagedException;
import io.keybridge.delivery.SecretDestination;
import io.keybridge.delivery.VersionDelivery;
import io.keybridge.keys.AllowedSources;
import io.keybridge.keys.ApiKey;
import io.keybridge.keys.ApiKeys;
import io.keybridge.keys.Environment;
import io.keybridge.keys.KeyFormat;
import io.keybridge.keys.KeyMaterial;
import io.keybridge.keys.KeyProperties;
import io.keybridge.keys.KeyVersion;
import io.keybridge.keys.KeyVersions;
import io.keybridge.keys.VersionState;
import io.keybridge.verification.VerificationIndex;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.mockito.InOrder;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What issuance records, in which order, around its calls to the stores: the key is recorded before any call and
 * verifies before the first write; it is active only once every store confirmed; a failure stops it verifying before
 * what was written is removed; a bad request changes nothing. The stores and repositories are mocks here; the real
 * ones are in the integration tests (issuance against OpenBao and moto, the crash tests at every step).
 */
class KeyIssuerTests {

    private static final Instant NOW = Instant.parse("2026-12-03T08:00:00Z");

    private final ApiKeys keys = mock(ApiKeys.class);
    private final KeyVersions versions = mock(KeyVersions.class);
    private final Destinations destinations = mock(Destinations.class);
    private final SecretDestination store = mock(SecretDestination.class);
    private final VersionDelivery delivery = mock(VersionDelivery.class);
    private final DeliveredVersions delivered = mock(DeliveredVersions.class);
    private final ApplicationEventPublisher events = mock(ApplicationEventPublisher.class);
    private final RotationPolicyLookup policies = mock(RotationPolicyLookup.class);
    private final VerificationIndex index = mock(VerificationIndex.class);
    private final AuditLog audit = mock(AuditLog.class);
    private final List<String> auditDetails = new ArrayList<>();
    private final List<String> secretsHandedToStores = new ArrayList<>();
    private final KeyIssuer issuer = new KeyIssuer(
            new KeyFormat("ee"),
            new KeyProperties("ee", Map.of(), Duration.ofDays(1826)),
            keys,
            versions,
            destinations,
            delivery,
            delivered,
            events,
            policies,
            index,
            audit,
            new TransactionTemplate(mock(PlatformTransactionManager.class)),
            new SecureRandom(),
            Clock.fixed(NOW, ZoneOffset.UTC),
            mock(RotationRateCheck.class));

    @BeforeEach
    void aStoreCalledMem() {
        when(destinations.of("mem")).thenReturn(store);
        when(store.location(any()))
                .thenAnswer(call -> call.getArgument(0, DestinationFields.class).text("path", 512));
        when(store.refFor(anyString())).thenAnswer(call -> "mem:" + call.getArgument(0));
        when(policies.exists(anyString())).thenReturn(true);
        when(policies.keyLifetime(anyString())).thenReturn(null);
        deliveryEnds(null);
        doAnswer(call -> auditDetails.add(call.getArgument(4)))
                .when(audit)
                .record(anyString(), anyString(), any(), any(), any());
    }

    @Test
    void theKeyIsRecordedAndVerifiesBeforeTheFirstWriteAndIsActiveOnlyOnceEveryStoreConfirmed() {
        UUID id = issuer.issue(request(List.of("crm/a", "crm/b"), Set.of("leads:read")), "alice");

        InOrder order = inOrder(keys, versions, delivery, index, events);
        order.verify(keys).add(any(), any());
        order.verify(versions).add(any(), any(), eq(NOW));
        order.verify(delivery).recordPlans(any(), any(), any());
        order.verify(index).accept(any(), any()); // a consumer may read the key the instant it lands
        order.verify(delivery).deliver(any(), any(), any(), any(), any());
        order.verify(delivery).record(VersionDelivery.Confirmation.NONE);
        order.verify(keys).activate(id);
        order.verify(versions).changeState(any(), eq(VersionState.ACTIVE), eq(NOW));
        order.verify(delivery).recorded(VersionDelivery.Confirmation.NONE);
        order.verify(events).publishEvent(any(KeyIssued.class));
        verify(index, never()).revoke(any());
        assertNoMaterialRecorded();
    }

    @Test
    void aFailedDeliveryStopsTheKeyVerifyingBeforeWhatWasWrittenIsRemoved() {
        deliveryEnds(new DestinationException("mem:crm/b", "503 from the store"));

        assertThatThrownBy(() -> issuer.issue(request(List.of("crm/a", "crm/b"), Set.of("leads:read")), "alice"))
                .isInstanceOf(DeliveryFailedException.class)
                .hasMessageContaining("mem:crm/b");

        UUID id = addedKey().id();
        InOrder order = inOrder(index, keys, versions, delivered);
        order.verify(index).revoke(any());
        order.verify(keys).revoke(eq(id), eq(NOW), any());
        order.verify(versions).changeState(any(), eq(VersionState.REVOKED), eq(NOW));
        order.verify(delivered).removeAll(id, SecretDestination.Removal.DISCARD);
        verify(keys, never()).activate(any());
        verify(events, never()).publishEvent(any(KeyIssued.class));
        assertThat(auditDetails).anySatisfy(detail -> assertThat(detail).contains("mem:crm/b", "503"));
        assertNoMaterialRecorded();
    }

    @Test
    void anUnexpectedFaultIsSettledAsAFailedDeliveryNotLeftPending() {
        deliveryEnds(new IllegalStateException("a bug"));

        assertThatThrownBy(() -> issuer.issue(request(List.of("crm/a"), Set.of("leads:read")), "alice"))
                .isInstanceOf(DeliveryFailedException.class);

        UUID id = addedKey().id();
        verify(index).revoke(any());
        verify(keys).revoke(eq(id), eq(NOW), any());
        verify(delivered).removeAll(id, SecretDestination.Removal.DISCARD);
        verify(keys, never()).activate(any());
    }

    @Test
    void aPathHoldingSomeoneElsesSecretIsRefusedAndTheKeyForgottenOnceNothingOfItIsLeft() {
        PathNotManagedException refusal = new PathNotManagedException("mem:crm/a", "not keybridge's");
        deliveryEnds(refusal);
        when(delivered.removeAll(any(), eq(SecretDestination.Removal.DISCARD)))
                .thenReturn(Map.of())
                .thenReturn(Map.of("mem:crm/b", "503"));

        assertThatThrownBy(() -> issuer.issue(request(List.of("crm/a"), Set.of("leads:read")), "alice"))
                .isSameAs(refusal);
        UUID forgotten = addedKey().id();
        verify(keys).forget(forgotten);

        // an earlier destination that could not be cleaned up keeps the key, revoked, until it is
        assertThatThrownBy(() -> issuer.issue(request(List.of("crm/b", "crm/a"), Set.of("leads:read")), "alice"))
                .isSameAs(refusal);
        ArgumentCaptor<ApiKey> added = ArgumentCaptor.forClass(ApiKey.class);
        verify(keys, atLeastOnce()).add(added.capture(), any());
        UUID kept = added.getAllValues().getLast().id();
        verify(keys).revoke(eq(kept), eq(NOW), any());
        verify(keys, never()).forget(kept);
    }

    @Test
    void aBadRequestChangesNothing() {
        assertThatThrownBy(
                        () -> issuer.issue(request(List.of("crm/a"), Set.of("leads:read", "launch-missiles")), "alice"))
                .isInstanceOfSatisfying(
                        InvalidKeyRequestException.class,
                        e -> assertThat(e.getMessage()).contains("launch-missiles"));
        assertThatThrownBy(() -> issuer.issue(request(List.of("crm/a", "crm/a"), Set.of("leads:read")), "alice"))
                .isInstanceOfSatisfying(
                        InvalidKeyRequestException.class,
                        e -> assertThat(e.getMessage()).contains("listed twice"));
        when(policies.exists("nightly")).thenReturn(false);
        NewKey unknownPolicy = new NewKey(
                "crm-sync",
                Environment.LIVE,
                Set.of("leads:read"),
                "revops",
                null,
                null,
                "nightly",
                List.of(new NewKey.Target("mem", DestinationFields.path("crm/a"))),
                AllowedSources.ANYWHERE);
        assertThatThrownBy(() -> issuer.issue(unknownPolicy, "alice")).isInstanceOf(InvalidKeyRequestException.class);

        verifyNoInteractions(keys, versions, delivery, delivered, index, audit, events);
    }

    private NewKey request(List<String> paths, Set<String> scopes) {
        return new NewKey(
                "crm-sync",
                Environment.LIVE,
                scopes,
                "revops",
                null,
                null,
                null,
                paths.stream()
                        .map(path -> new NewKey.Target("mem", DestinationFields.path(path)))
                        .toList(),
                AllowedSources.ANYWHERE);
    }

    private ApiKey addedKey() {
        ArgumentCaptor<ApiKey> added = ArgumentCaptor.forClass(ApiKey.class);
        verify(keys).add(added.capture(), any());
        return added.getValue();
    }

    /** Delivery hands the material to the stores (here: remembers it) and then ends with {@code failure}, if any. */
    private void deliveryEnds(@Nullable RuntimeException failure) {
        doAnswer(call -> {
                    secretsHandedToStores.add(
                            call.getArgument(3, KeyMaterial.class).reveal());
                    if (failure != null) {
                        throw failure;
                    }
                    return VersionDelivery.Confirmation.NONE;
                })
                .when(delivery)
                .deliver(any(), any(), any(), any(), any());
    }

    /**
     * The material handed to the stores appears in no audit entry, the version recorded holds its hash only, and the
     * material is cleared from memory once issuance is over.
     */
    private void assertNoMaterialRecorded() {
        ArgumentCaptor<KeyMaterial> material = ArgumentCaptor.forClass(KeyMaterial.class);
        verify(delivery).deliver(any(), any(), any(), material.capture(), any());
        assertThat(secretsHandedToStores).hasSize(1);
        String secret = secretsHandedToStores.getFirst();
        assertThat(secret).startsWith("ee_live_");
        ArgumentCaptor<KeyVersion> version = ArgumentCaptor.forClass(KeyVersion.class);
        verify(versions).add(version.capture(), any(), any());
        assertThat(version.getValue().hash()).isEqualTo(material.getValue().hash());
        assertThat(version.getValue().toString()).doesNotContain(secret);
        assertThat(auditDetails)
                .isNotEmpty()
                .noneSatisfy(detail -> assertThat(detail).contains(secret));
        assertThatThrownBy(() -> material.getValue().reveal())
                .as("the material is cleared once issuance is over")
                .isInstanceOf(IllegalStateException.class);
    }
}
