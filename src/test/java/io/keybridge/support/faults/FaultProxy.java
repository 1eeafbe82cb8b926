package io.keybridge.support.faults;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * An HTTP proxy on loopback in front of moto or OpenBao that can answer a call with an error (AWS throttling, access
 * denied, a KMS failure; Vault's 5xx or 403) or hold its answer back after forwarding it (so the write lands but the
 * caller times out), and that records every call it passed on: faults the real servers cannot produce on their own.
 * An AWS call is named by its operation ({@code PutSecretValue}); a Vault call by method and path
 * ({@code POST /v1/secret/data/keybridge/x}); a fault applies to the calls whose name contains its key.
 */
public final class FaultProxy implements AutoCloseable {

    /** Headers the JDK client sets itself. */
    private static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection", "expect", "upgrade");

    private final HttpServer server;
    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final String target;
    private final Map<String, Queue<Fault>> faults = new ConcurrentHashMap<>();
    private final List<Call> calls = new CopyOnWriteArrayList<>();

    /** One AWS call as the proxy saw it, stamped when it arrived. */
    public record Call(Instant at, String operation, String body, int status) {}

    private sealed interface Fault {}

    private record Refuse(int status, String code, String message) implements Fault {}

    private record Delay(Duration delay) implements Fault {}

    private record Answer(int status, String contentType, String body) implements Fault {}

    private record StandingRefusal(String operation, String bodyContains, Refuse refusal) {}

    private final List<StandingRefusal> standing = new CopyOnWriteArrayList<>();

    private volatile Duration everyCall = Duration.ZERO;

    public FaultProxy(String target) throws IOException {
        this.target = target;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The next {@code times} calls of the operation get this AWS error instead of reaching moto. */
    public void refuse(String operation, int times, int status, String code, String message) {
        for (int i = 0; i < times; i++) {
            faults.computeIfAbsent(operation, o -> new ConcurrentLinkedQueue<>())
                    .add(new Refuse(status, code, message));
        }
    }

    /**
     * Until cleared, every call of the operation whose request body contains {@code bodyContains} gets this AWS error:
     * a store that refuses some secrets (a policy scoped too tightly) and serves the others.
     */
    public void refuseWhere(String operation, String bodyContains, int status, String code, String message) {
        standing.add(new StandingRefusal(operation, bodyContains, new Refuse(status, code, message)));
    }

    /** The next {@code times} Vault calls whose method and path contain {@code call} get this Vault error. */
    public void refuseVault(String call, int times, int status, String error) {
        for (int i = 0; i < times; i++) {
            faults.computeIfAbsent(call, o -> new ConcurrentLinkedQueue<>())
                    .add(new Answer(status, "application/json", "{\"errors\":[\"" + error + "\"]}"));
        }
    }

    /** The next call of the operation reaches moto, but its answer is held back this long. */
    public void delay(String operation, Duration delay) {
        faults.computeIfAbsent(operation, o -> new ConcurrentLinkedQueue<>()).add(new Delay(delay));
    }

    /** From now on every call reaches the target only after this long (zero: at once), as a slow store would. */
    public void slowEveryCall(Duration delay) {
        everyCall = delay;
    }

    public void clear() {
        everyCall = Duration.ZERO;
        faults.clear();
        standing.clear();
        calls.clear();
    }

    /** Every call so far of the operation (refused ones included). */
    public List<Call> calls(String operation) {
        return calls.stream().filter(call -> call.operation().equals(operation)).toList();
    }

    public List<Call> calls() {
        return new ArrayList<>(calls);
    }

    private void handle(HttpExchange exchange) throws IOException {
        Instant arrived = Instant.now();
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String amzTarget = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            String operation = amzTarget != null
                    ? amzTarget.substring(amzTarget.indexOf('.') + 1)
                    : exchange.getRequestMethod() + " "
                            + exchange.getRequestURI().getPath();
            String text = new String(body, StandardCharsets.UTF_8);
            Fault fault = standing.stream()
                    .filter(refusal -> operation.equals(refusal.operation()) && text.contains(refusal.bodyContains()))
                    .<Fault>map(StandingRefusal::refusal)
                    .findFirst()
                    .orElseGet(() -> nextFault(operation));
            if (fault instanceof Answer answer) {
                calls.add(new Call(arrived, operation, text, answer.status()));
                exchange.getResponseHeaders().set("Content-Type", answer.contentType());
                send(exchange, answer.status(), answer.body().getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (fault instanceof Refuse refuse) {
                calls.add(new Call(arrived, operation, text, refuse.status()));
                byte[] answer = ("{\"__type\":\"" + refuse.code() + "\",\"message\":\"" + refuse.message() + "\"}")
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
                exchange.getResponseHeaders().set("x-amzn-ErrorType", refuse.code());
                send(exchange, refuse.status(), answer);
                return;
            }
            if (!everyCall.isZero()) {
                Thread.sleep(everyCall);
            }
            HttpRequest.Builder forward = HttpRequest.newBuilder(URI.create(target + exchange.getRequestURI()))
                    .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!RESTRICTED.contains(name.toLowerCase())) {
                    values.forEach(value -> forward.header(name, value));
                }
            });
            HttpResponse<byte[]> answer = http.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
            calls.add(new Call(arrived, operation, text, answer.statusCode()));
            if (fault instanceof Delay delay) {
                Thread.sleep(delay.delay()); // moto has done the work; the caller hears of it too late
            }
            answer.headers().map().forEach((name, values) -> {
                if (!RESTRICTED.contains(name.toLowerCase()) && !name.equalsIgnoreCase("transfer-encoding")) {
                    exchange.getResponseHeaders().put(name, values);
                }
            });
            send(exchange, answer.statusCode(), answer.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the caller gave up (timed out); nothing to answer
        }
    }

    private Fault nextFault(String operation) {
        for (Map.Entry<String, Queue<Fault>> entry : faults.entrySet()) {
            if (operation.contains(entry.getKey())) {
                Fault fault = entry.getValue().poll();
                if (fault != null) {
                    return fault;
                }
            }
        }
        return null;
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
