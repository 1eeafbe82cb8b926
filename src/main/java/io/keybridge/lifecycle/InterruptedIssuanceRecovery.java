package io.keybridge.lifecycle;

import io.keybridge.audit.AuditLog;
import io.keybridge.audit.Outcome;
import io.keybridge.delivery.DeliveredVersions;
import io.keybridge.delivery.SecretDestination;
import io.keybridge.keys.ApiKey;
import io.keybridge.keys.ApiKeys;
import io.keybridge.keys.KeyVersion;
import io.keybridge.keys.KeyVersions;
import io.keybridge.keys.VersionState;
import io.keybridge.verification.VerificationIndex;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Finishes issuances that a crash interrupted. Their material died with the process and their caller never got an
 * answer, so nobody holds them: before the server accepts requests they are revoked and the verification index is
 * loaded; once it runs, whatever reached a destination is removed.
 */
@Component
class InterruptedIssuanceRecovery implements SmartInitializingSingleton, ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(InterruptedIssuanceRecovery.class);

    private final ApiKeys keys;
    private final KeyVersions versions;
    private final DeliveredVersions delivered;
    private final VerificationIndex index;
    private final AuditLog audit;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private List<UUID> interrupted = List.of();

    InterruptedIssuanceRecovery(
            ApiKeys keys,
            KeyVersions versions,
            DeliveredVersions delivered,
            VerificationIndex index,
            AuditLog audit,
            TransactionTemplate transactions,
            Clock clock) {
        this.keys = keys;
        this.versions = versions;
        this.delivered = delivered;
        this.index = index;
        this.audit = audit;
        this.transactions = transactions;
        this.clock = clock;
    }

    @Override
    public void afterSingletonsInstantiated() {
        interrupted = transactions.execute(status -> {
            List<ApiKey> pending = keys.pending();
            for (ApiKey key : pending) {
                keys.revoke(key.id(), clock.instant(), "issuance interrupted by a restart");
                for (KeyVersion version : versions.ofKey(key.id())) {
                    versions.changeState(version.id(), VersionState.REVOKED, clock.instant());
                }
                audit.record("system", "key.issue", key.id(), Outcome.FAILURE, "issuance interrupted by a restart");
            }
            return pending.stream().map(ApiKey::id).toList();
        });
        if (!interrupted.isEmpty()) {
            log.warn("revoked {} keys whose issuance a restart interrupted", interrupted.size());
        }
        index.load();
    }

    @Override
    public void run(ApplicationArguments args) {
        for (UUID keyId : interrupted) {
            var failures = delivered.removeAll(keyId, SecretDestination.Removal.DISCARD);
            if (!failures.isEmpty()) {
                log.warn("could not remove interrupted key {} from {}", keyId, failures.keySet());
            }
        }
        interrupted = List.of();
    }
}
