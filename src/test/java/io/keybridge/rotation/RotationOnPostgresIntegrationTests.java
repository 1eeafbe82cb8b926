package io.keybridge.rotation;

import io.keybridge.support.OnPostgres;
import io.keybridge.support.Postgres;

/** {@link RotationIntegrationTests} on PostgreSQL. */
@OnPostgres
class RotationOnPostgresIntegrationTests extends RotationIntegrationTests {

    static {
        Postgres.forIntegrationTests();
    }
}
