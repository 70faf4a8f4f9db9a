package io.sonde.cli.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sonde.client.push.PollClient;
import io.sonde.client.push.SseClient;
import io.sonde.client.push.StreamSocket;
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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A dashboard client of the chaos run, subscribed to the readings of some devices through nginx
 * over SSE, WebSocket or long-poll, from before their first reading (the run waits for {@link
 * #awaitOpened}). Whenever its stream ends or a request fails (its push gateway was killed, say),
 * it comes back with its last cursor, as the dashboard does: one cursor for an SSE stream or a
 * poll, one per channel on a WebSocket, each channel subscribed again with its own. It keeps every
 * reading event's (device, seq) in arrival order, so the checks can compare them with the topic.
 * Runs on its own thread until stopped.
 */
final class ChaosViewer implements Runnable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration RETRY = Duration.ofMillis(500);

    /** The transports a viewer may use. */
    enum Transport {
        SSE,
        WS,
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
    // The WebSocket's cursors: one per channel, as each subscription has its own.
    private final Map<String, String> cursors = new ConcurrentHashMap<>();
    private volatile long reconnects;
    private volatile long lastEvent;
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

    /** When (nanoTime) its last reading event arrived; 0 before the first. */
    long lastEvent() {
        return lastEvent;
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
                switch (transport) {
                    case SSE -> sse();
                    case WS -> ws();
                    case POLL -> poll();
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
                                        record(JSON.readTree(e.data()));
                                    }
                                    e.id().ifPresent(id -> cursor = id);
                                } catch (IOException | RuntimeException bad) {
                                    unreadable = "unreadable event " + e.data();
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
                try {
                    if (e.event().equals("telemetry")) {
                        record(JSON.readTree(e.data()));
                    }
                } catch (IOException | RuntimeException bad) {
                    // A broken event is a violation; polling it again would not mend it.
                    unreadable = "unreadable event " + e.data();
                }
            }
            if (a.cursor().isPresent()) {
                cursor = a.cursor().get();
            }
        }
    }

    private void ws() throws InterruptedException {
        URI uri =
                URI.create(
                        "ws://"
                                + push.getRawAuthority()
                                + "/v1/ws?access_token="
                                + URLEncoder.encode(token, StandardCharsets.UTF_8));
        SocketListener listener = new SocketListener();
        try (StreamSocket socket = StreamSocket.connect(http, uri, listener)) {
            for (String d : devices) {
                String channel = "telemetry:" + d;
                String at = cursors.get(channel);
                if (at == null) {
                    socket.subscribe(channel, false);
                } else {
                    socket.resume(channel, at);
                }
            }
            while (!stopping && !listener.ended.await(1, TimeUnit.SECONDS)) {
                // Streaming until it ends or the run stops.
            }
        }
    }

    // One WebSocket connection's messages: subscriptions confirmed, events kept with their
    // channel's cursor; the connection ends on a close or a refused subscription.
    private final class SocketListener implements StreamSocket.Listener {
        private final CountDownLatch ended = new CountDownLatch(1);
        private final Set<String> subscribed = ConcurrentHashMap.newKeySet();

        @Override
        public void message(JsonNode m) {
            String channel = m.path("channel").asText();
            switch (m.path("op").asText()) {
                case "subscribed" -> {
                    subscribed.add(channel);
                    if (subscribed.size() == devices.size()) {
                        opened.countDown();
                    }
                }
                case "event" -> event(channel, m);
                // A refused subscription (no history reader free, say): reconnect.
                case "error" -> ended.countDown();
                // A gap means lost events, anything else a broken message: violations.
                default -> unreadable = m.toString();
            }
        }

        private void event(String channel, JsonNode m) {
            try {
                if (m.path("event").asText().equals("telemetry")) {
                    record(m.path("data"));
                }
            } catch (RuntimeException bad) {
                unreadable = "unreadable event " + m;
            }
            cursors.put(channel, m.path("id").asText());
        }

        @Override
        public void closed(int code, String reason) {
            ended.countDown();
        }
    }

    private void record(JsonNode event) {
        List<Long> seqs = received.get(event.path("deviceId").asText());
        if (seqs == null || !event.path("seq").canConvertToLong()) {
            throw new IllegalStateException("unreadable event " + event);
        }
        seqs.add(event.path("seq").asLong());
        lastEvent = System.nanoTime();
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
