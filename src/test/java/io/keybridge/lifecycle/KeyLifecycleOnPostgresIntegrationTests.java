package io.keybridge.lifecycle;

import io.keybridge.support.OnPostgres;
import io.keybridge.support.Postgres;

/** {@link KeyLifecycleIntegrationTests} on PostgreSQL. */
@OnPostgres
class KeyLifecycleOnPostgresIntegrationTests extends KeyLifecycleIntegrationTests {

    static {
        Postgres.forIntegrationTests();
    }
}
