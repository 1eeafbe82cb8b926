package io.keybridge.support;

/** The PostgreSQL server of the run ({@link RunScopedServer}). */
public final class PostgresExtension extends RunScopedServer<Postgres> {

    public PostgresExtension() {
        super(Postgres.class);
    }

    @Override
    protected Postgres start() {
        return Postgres.server();
    }

    @Override
    protected void stop(Postgres postgres) {
        postgres.stop();
    }
}
