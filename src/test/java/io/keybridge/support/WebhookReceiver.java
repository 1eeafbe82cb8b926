package io.keybridge.support;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A webhook receiver on loopback for the whole test run, and a flaky one: it answers {@code 503} to the first
 * {@value #FAILURES_PER_EVENT} attempts of every event, then {@code 200}. Every request, failed or not, is kept.
 */
public final class WebhookReceiver {

    public static final String SECRET = "it-webhook-secret-" + java.util.UUID.randomUUID();
    public static final int FAILURES_PER_EVENT = 2;

    private static final WebhookReceiver INSTANCE = new WebhookReceiver();

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> attemptsByEvent = new ConcurrentHashMap<>();

    private WebhookReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/hooks", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String eventId = exchange.getRequestHeaders().getFirst("Keybridge-Event-Id");
            int attempt = attemptsByEvent
                    .computeIfAbsent(String.valueOf(eventId), id -> new AtomicInteger())
                    .incrementAndGet();
            int status = attempt <= FAILURES_PER_EVENT ? 503 : 200;
            received.add(new Received(
                    eventId,
                    exchange.getRequestHeaders().getFirst("Keybridge-Event-Type"),
                    exchange.getRequestHeaders().getFirst("Keybridge-Timestamp"),
                    exchange.getRequestHeaders().getFirst("Keybridge-Signature"),
                    new String(body, StandardCharsets.UTF_8),
                    status));
            Api.capture(new String(body, StandardCharsets.UTF_8)); // scanned for keys with every response
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    public static WebhookReceiver get() {
        return INSTANCE;
    }

    /** Stops receiving; again is harmless. */
    void stop() {
        try {
            server.stop(0);
        } catch (IllegalStateException e) {
            // stopped already
        }
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks";
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    /** One request as it arrived, and what the receiver answered. */
    public record Received(
            String eventId, String eventType, String timestamp, String signature, String body, int answered) {}
}
