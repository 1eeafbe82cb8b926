package io.keybridge.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/**
 * A service calling the API with whatever key it holds at the moment, continuously, through rotations: each call
 * recorded with the key's digest (never the key) and the answer. It either reads its key itself before each call (a
 * file an agent renders) or is a process of its own printing one line per call ({@code epochMillis digest status}).
 */
public final class PickupConsumer implements AutoCloseable {

    /** One call: when, with which key (the first 16 hex digits of its SHA-256), and what {@code /verify} said. */
    public record Call(Instant at, String key, int status) {}

    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private final Process process;
    private volatile boolean running = true;

    private PickupConsumer(Callable<String> key, Api api, String token) {
        this.process = null;
        this.thread = Thread.ofPlatform().daemon().name("pickup-consumer").start(() -> {
            while (running) {
                try {
                    String current = key.call();
                    if (current != null) {
                        calls.add(new Call(
                                Instant.now(),
                                digest(current),
                                api.verify(token, current, List.of()).status()));
                    }
                    Thread.sleep(50); // a service's pace, not a wait for a condition
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    calls.add(new Call(Instant.now(), "unreadable", -1));
                }
            }
        });
    }

    private PickupConsumer(Process process) {
        this.process = process;
        this.thread = Thread.ofPlatform()
                .daemon()
                .name("pickup-consumer-output")
                .start(() -> {
                    try (BufferedReader lines = new BufferedReader(
                            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = lines.readLine()) != null) {
                            String[] fields = line.strip().split(" ");
                            if (fields.length == 3) {
                                calls.add(new Call(
                                        Instant.ofEpochMilli(Long.parseLong(fields[0])),
                                        fields[1],
                                        Integer.parseInt(fields[2])));
                            }
                        }
                    } catch (IOException e) {
                        // the process ended
                    }
                });
    }

    /** A consumer that reads its key with {@code key} (null: nothing yet) before each call of {@code /verify}. */
    public static PickupConsumer reading(Callable<String> key, Api api, String token) {
        return new PickupConsumer(key, api, token);
    }

    /** A consumer process of its own; each line it prints is a call. */
    public static PickupConsumer process(ProcessBuilder command) throws IOException {
        return new PickupConsumer(
                command.redirectError(ProcessBuilder.Redirect.INHERIT).start());
    }

    public static String digest(String key) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** False once a consumer process has exited (a service that cannot start, e.g. a module missing). */
    public boolean alive() {
        return process == null || process.isAlive();
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    /** The calls that were not answered 200. */
    public List<Call> refusals() {
        return calls.stream().filter(call -> call.status() != 200).toList();
    }

    /** When the consumer first called with the key of that digest. */
    public Optional<Instant> firstUse(String key) {
        return calls.stream()
                .filter(call -> call.key().equals(key))
                .map(Call::at)
                .findFirst();
    }

    /** When the consumer last called with the key of that digest. */
    public Optional<Instant> lastUse(String key) {
        return calls.stream()
                .filter(call -> call.key().equals(key))
                .map(Call::at)
                .reduce((first, second) -> second);
    }

    /** How many calls were made after that instant. */
    public long callsAfter(Instant instant) {
        return calls.stream().filter(call -> call.at().isAfter(instant)).count();
    }

    /** How many times the consumer changed keys. */
    public long pickups() {
        long changes = 0;
        String previous = null;
        for (Call call : calls) {
            if (previous != null && !previous.equals(call.key())) {
                changes++;
            }
            previous = call.key();
        }
        return changes;
    }

    /**
     * For each rotation (oldest first, each moving the service from one key to the next): the service called with the
     * new key before the old one was revoked and never with the old one after; no call was refused. Prints the
     * figures (for docs/GUARANTEES.md).
     */
    public void assertPickedUpBeforeRevocation(List<JsonNode> rotations, String what) {
        List<String> keys = calls().stream().map(Call::key).distinct().toList();
        assertThat(refusals()).as("calls the service made that were refused").isEmpty();
        assertThat(keys).as("the keys the service used, in order").hasSize(rotations.size() + 1);
        for (int i = 0; i < rotations.size(); i++) {
            JsonNode rotation = rotations.get(i);
            Instant confirmed = Instant.parse(rotation.path("confirmedAt").asString());
            Instant revoked = Instant.parse(rotation.path("oldRevokedAt").asString());
            Instant pickedUp = firstUse(keys.get(i + 1)).orElseThrow();
            Instant lastOld = lastUse(keys.get(i)).orElseThrow();
            assertThat(pickedUp)
                    .as("the new key in use before the old one is revoked")
                    .isBefore(revoked);
            assertThat(lastOld)
                    .as("the old key's last use before it is revoked")
                    .isBefore(revoked);
            System.out.printf(
                    "consumer pickup (%s): new key used %d ms after it was confirmed, %d ms before the old one was"
                            + " revoked; %d calls, %d refused%n",
                    what,
                    Duration.between(confirmed, pickedUp).toMillis(),
                    Duration.between(pickedUp, revoked).toMillis(),
                    calls.size(),
                    refusals().size());
        }
    }

    @Override
    public void close() {
        running = false;
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        thread.interrupt();
    }
}
