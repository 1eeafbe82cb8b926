package io.keybridge.support;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Starts one {@link OpenBao} for the whole test run and stops it when the run ends. */
public final class OpenBaoExtension implements BeforeAllCallback {

    private static volatile OpenBao server;

    /** The running server (starting it on first use). */
    public static synchronized OpenBao server() {
        if (server == null) {
            server = OpenBao.start();
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "openbao-stop"));
        }
        return server;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        server();
    }
}
