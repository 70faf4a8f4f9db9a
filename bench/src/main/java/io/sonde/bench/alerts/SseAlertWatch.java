package io.sonde.bench.alerts;

import io.sonde.bench.BenchException;
import io.sonde.bench.LatencyRecorder;
import io.sonde.client.push.SseClient;
import io.sonde.stack.LocalStack;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Follows the {@code alerts} channel of a push gateway over SSE, as a program subscribing to alerts
 * does, and records per raise of the bench's rule the receipt time minus the {@code raisedAt} of
 * the reading that raised it (its intended send time, in ms).
 *
 * <p>Threading: the SSE client's reader thread records; {@link #measure} swaps the recorder from
 * the caller's thread (the histograms are concurrent).
 */
final class SseAlertWatch implements AutoCloseable {
    private final HttpClient http = HttpClient.newHttpClient();
    private final SseClient sse;
    private final String ruleMarker;
    private final AtomicReference<LatencyRecorder> raises = new AtomicReference<>();
    private final AtomicLong raised = new AtomicLong();

    SseAlertWatch(LocalStack stack, int pushPort, String ruleId) {
        this.ruleMarker = "\"ruleId\":\"" + ruleId + "\"";
        String token =
                stack.issuer()
                        .viewer("bench-alerts", List.of("alerts"), false, Duration.ofHours(2));
        URI uri =
                URI.create(
                        "http://127.0.0.1:"
                                + pushPort
                                + "/v1/events?channel=alerts&snapshot=false");
        try {
            this.sse = SseClient.to(uri).http(http).token(token).open(this::event);
        } catch (IOException e) {
            throw new BenchException("cannot open the alerts stream " + uri, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted opening the alerts stream", e);
        }
        if (sse.status() != 200) {
            throw new BenchException("SSE " + uri + " answered " + sse.status());
        }
    }

    /** From now on, record raises into this (null: count only). */
    void measure(LatencyRecorder raiseLatency) {
        raises.set(raiseLatency);
    }

    long raised() {
        return raised.get();
    }

    private void event(SseClient.Event event) {
        long nowMs = System.currentTimeMillis();
        String data = event.data();
        if (!event.event().equals("alert")
                || !data.contains(ruleMarker)
                || !data.contains("\"state\":\"active\"")) {
            return;
        }
        raised.incrementAndGet();
        long raisedAt = number(data, "\"raisedAt\":");
        LatencyRecorder r = raises.get();
        if (r != null && raisedAt > 0) {
            r.recordMicros((nowMs - raisedAt) * 1_000);
        }
    }

    // The digits after `marker` in the compact JSON the push gateway writes; -1 if absent.
    private static long number(String json, String marker) {
        int at = json.indexOf(marker);
        if (at < 0) {
            return -1;
        }
        int from = at + marker.length();
        int to = from;
        while (to < json.length() && Character.isDigit(json.charAt(to))) {
            to++;
        }
        return to == from ? -1 : Long.parseLong(json, from, to, 10);
    }

    @Override
    public void close() {
        sse.close();
        http.close();
    }
}
