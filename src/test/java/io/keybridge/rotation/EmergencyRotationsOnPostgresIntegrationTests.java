package io.keybridge.rotation;

import io.keybridge.support.OnPostgres;
import io.keybridge.support.Postgres;

/** {@link EmergencyRotationsIntegrationTests} on PostgreSQL. */
@OnPostgres
class EmergencyRotationsOnPostgresIntegrationTests extends EmergencyRotationsIntegrationTests {

    static {
        Postgres.forIntegrationTests();
    }
}
