package io.keybridge.support;

/** The webhook receiver of the run ({@link RunScopedServer}). */
public final class WebhookReceiverExtension extends RunScopedServer<WebhookReceiver> {

    public WebhookReceiverExtension() {
        super(WebhookReceiver.class);
    }

    @Override
    protected WebhookReceiver start() {
        return WebhookReceiver.get();
    }

    @Override
    protected void stop(WebhookReceiver receiver) {
        receiver.stop();
    }
}
