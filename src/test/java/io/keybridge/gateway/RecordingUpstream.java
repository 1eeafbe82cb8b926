package io.keybridge.gateway;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/** The API behind the gateways: answers every call with 200 and keeps what it received. */
final class RecordingUpstream implements AutoCloseable {

    /** One call that reached the upstream: its method, path and headers (names in lower case). */
    record Received(String method, String uri, Map<String, String> headers) {}

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();

    RecordingUpstream() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            Map<String, String> headers = new TreeMap<>();
            exchange.getRequestHeaders()
                    .forEach((name, values) ->
                            headers.put(name.toLowerCase(java.util.Locale.ROOT), String.join(",", values)));
            received.add(new Received(
                    exchange.getRequestMethod(), exchange.getRequestURI().toString(), headers));
            exchange.getRequestBody().readAllBytes();
            byte[] body = "upstream".getBytes();
            exchange.sendResponseHeaders(200, exchange.getRequestMethod().equals("HEAD") ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                if (!exchange.getRequestMethod().equals("HEAD")) {
                    out.write(body);
                }
            }
        });
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    int count() {
        return received.size();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
