package io.keybridge.support;

/** The moto server of the run, for AWS Secrets Manager and STS ({@link RunScopedServer}). */
public final class MotoExtension extends RunScopedServer<Moto> {

    public MotoExtension() {
        super(Moto.class);
    }

    @Override
    protected Moto start() {
        return Moto.server();
    }

    @Override
    protected void stop(Moto moto) {
        moto.stop();
    }
}
