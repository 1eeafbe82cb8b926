package io.keybridge.audit;

import io.keybridge.support.OnPostgres;
import io.keybridge.support.Postgres;

/** {@link AuditChainIntegrationTests} on PostgreSQL, where several nodes chain through one row lock. */
@OnPostgres
class AuditChainOnPostgresIntegrationTests extends AuditChainIntegrationTests {

    static {
        Postgres.forIntegrationTests();
    }
}
