package io.keybridge.support;

/** The OpenBao dev server of the run ({@link RunScopedServer}). */
public final class OpenBaoExtension extends RunScopedServer<OpenBao> {

    private static volatile OpenBao server;

    public OpenBaoExtension() {
        super(OpenBao.class);
    }

    /** The running server (starting it on first use). */
    public static synchronized OpenBao server() {
        if (server == null) {
            server = OpenBao.start();
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "openbao-stop"));
        }
        return server;
    }

    @Override
    protected OpenBao start() {
        return server();
    }

    @Override
    protected void stop(OpenBao openBao) {
        openBao.close();
    }
}
