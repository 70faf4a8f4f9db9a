package io.sonde.cli.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sonde.client.push.PollClient;
import io.sonde.client.push.SseClient;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A dashboard client of the chaos run, subscribed to the readings of some devices through nginx
 * over SSE or long-poll, from before their first reading (the run waits for {@link #awaitOpened}).
 * Whenever its stream ends or a request fails (its push gateway was killed, say), it comes back
 * with its last cursor, as the dashboard does. It keeps every reading event's (device, seq) in
 * arrival order, so the checks can compare them with the topic. Runs on its own thread until
 * stopped.
 */
final class ChaosViewer implements Runnable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration RETRY = Duration.ofMillis(500);

    /** The transports a viewer may use. */
    enum Transport {
        SSE,
        POLL
    }

    private final String name;
    private final Transport transport;
    private final URI push;
    private final String token;
    private final List<String> devices;
    // HTTP/1.1: no h2c upgrade offer for nginx to mistake for a WebSocket.
    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final Map<String, List<Long>> received = new ConcurrentHashMap<>();
    private volatile boolean stopping;
    private volatile String cursor;
    private volatile long reconnects;
    private volatile String unreadable;
    private final CountDownLatch opened = new CountDownLatch(1);

    ChaosViewer(String name, Transport transport, URI push, String token, List<String> devices) {
        this.name = name;
        this.transport = transport;
        this.push = push;
        this.token = token;
        this.devices = List.copyOf(devices);
        devices.forEach(d -> received.put(d, Collections.synchronizedList(new ArrayList<>())));
    }

    String name() {
        return name;
    }

    List<String> devices() {
        return devices;
    }

    /** The seqs of {@code device}'s reading events, in arrival order. */
    List<Long> received(String device) {
        synchronized (received.get(device)) {
            return List.copyOf(received.get(device));
        }
    }

    long reconnects() {
        return reconnects;
    }

    /** Whether its first stream or poll was answered within {@code timeout}. */
    boolean awaitOpened(Duration timeout) throws InterruptedException {
        return opened.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** An event it could not read, if any: a broken event is a violation, not a lost one. */
    Optional<String> unreadable() {
        return Optional.ofNullable(unreadable);
    }

    void stop() {
        stopping = true;
    }

    @Override
    public void run() {
        while (!stopping) {
            try {
                if (transport == Transport.SSE) {
                    sse();
                } else {
                    poll();
                }
            } catch (IOException | RuntimeException e) {
                // Its gateway died or nginx had none to offer: back with the same cursor.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (!stopping) {
                reconnects++;
                pause();
            }
        }
    }

    private void sse() throws IOException, InterruptedException {
        StringBuilder q = new StringBuilder(push + "/v1/events?snapshot=false");
        for (String d : devices) {
            q.append("&channel=")
                    .append(URLEncoder.encode("telemetry:" + d, StandardCharsets.UTF_8));
        }
        SseClient.Builder b = SseClient.to(URI.create(q.toString())).token(token).http(http);
        if (cursor != null) {
            b.lastEventId(cursor);
        }
        CountDownLatch ended = new CountDownLatch(1);
        try (SseClient client =
                b.open(
                        new SseClient.Listener() {
                            @Override
                            public void event(SseClient.Event e) {
                                try {
                                    if (e.event().equals("telemetry")) {
                                        record(e.data());
                                    }
                                    e.id().ifPresent(id -> cursor = id);
                                } catch (RuntimeException bad) {
                                    unreadable = bad.getMessage();
                                }
                            }

                            @Override
                            public void ended(Optional<IOException> error) {
                                ended.countDown();
                            }
                        })) {
            // nginx answers 502/503 while it has no gateway to offer: no stream, come back.
            if (client.status() != 200) {
                throw new IOException("stream answered " + client.status());
            }
            opened.countDown();
            while (!stopping && !ended.await(1, TimeUnit.SECONDS)) {
                // Streaming until it ends or the run stops.
            }
        }
    }

    private void poll() throws IOException, InterruptedException {
        PollClient client = new PollClient(http, push, token);
        List<String> channels = devices.stream().map(d -> "telemetry:" + d).toList();
        while (!stopping) {
            PollClient.Answer a =
                    cursor == null
                            ? client.poll(channels, 5, "snapshot=false")
                            : client.pollFrom(cursor, channels, 5);
            if (a.status() != 200) {
                throw new IOException("poll answered " + a.status());
            }
            opened.countDown();
            for (PollClient.Event e : a.events()) {
                if (e.event().equals("telemetry")) {
                    record(e.data());
                }
            }
            if (a.cursor().isPresent()) {
                cursor = a.cursor().get();
            }
        }
    }

    private void record(String data) {
        try {
            JsonNode json = JSON.readTree(data);
            List<Long> seqs = received.get(json.get("deviceId").asText());
            if (seqs != null) {
                seqs.add(json.get("seq").asLong());
            }
        } catch (IOException e) {
            throw new IllegalStateException("unreadable event " + data, e);
        }
    }

    // The viewer's backoff before it comes back, as a dashboard's: not a wait for a condition.
    private void pause() {
        try {
            Thread.sleep(RETRY);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping = true;
        }
    }
}
