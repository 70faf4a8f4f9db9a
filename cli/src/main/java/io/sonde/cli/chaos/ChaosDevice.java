package io.sonde.cli.chaos;

import io.sonde.client.device.DeviceSocket;
import io.sonde.proto.v1.Downlink;
import io.sonde.proto.v1.Reading;
import io.sonde.proto.v1.TelemetryBatch;
import io.sonde.proto.v1.Uplink;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.TimeUnit;

/**
 * One device of the chaos run: one reading per batch, the next only once the last was acked; a
 * batch refused, unanswered or cut off is sent again (same seq, same values) on a new connection,
 * as a real device does. Its temperature is hot (90) for 10 readings in every 30, so alerts are
 * raised and cleared throughout. Runs on its own thread until stopped.
 */
final class ChaosDevice implements Runnable {
    private static final Duration REPLY_WAIT = Duration.ofSeconds(10);
    private static final Duration RETRY = Duration.ofMillis(500);

    private final String id;
    private final URI ingest;
    private final String token;
    private final Duration interval;
    private final Set<Long> acked = new ConcurrentSkipListSet<>();
    private final BlockingQueue<Downlink> replies = new ArrayBlockingQueue<>(16);
    private volatile boolean stopping;
    private volatile long resends;
    private volatile long lastAck;
    private DeviceSocket socket;

    ChaosDevice(String id, URI ingest, String token, Duration interval) {
        this.id = id;
        this.ingest = ingest;
        this.token = token;
        this.interval = interval;
    }

    String id() {
        return id;
    }

    /** Seqs the gateway acknowledged: each is durable in Kafka. */
    Set<Long> acked() {
        return acked;
    }

    long resends() {
        return resends;
    }

    /** When (nanoTime) its last ack arrived; 0 before the first. */
    long lastAck() {
        return lastAck;
    }

    static double temperature(long seq) {
        return (seq / 10) % 3 == 0 ? 90.0 : 70.0;
    }

    void stop() {
        stopping = true;
    }

    @Override
    public void run() {
        long seq = 1;
        // A reading's time is when it was taken; a resend carries it unchanged.
        long timeNanos = System.currentTimeMillis() * 1_000_000L;
        while (!stopping) {
            if (send(seq, timeNanos)) {
                acked.add(seq);
                lastAck = System.nanoTime();
                seq++;
                pause(interval);
                timeNanos = System.currentTimeMillis() * 1_000_000L;
            } else {
                resends++;
                disconnect();
                pause(RETRY);
            }
        }
        disconnect();
    }

    private boolean send(long seq, long timeNanos) {
        try {
            if (socket == null) {
                replies.clear();
                socket =
                        DeviceSocket.to(ingest)
                                .token(token)
                                .connectTimeout(Duration.ofSeconds(5))
                                .connect(
                                        new DeviceSocket.Listener() {
                                            @Override
                                            public void downlink(DeviceSocket s, Downlink d) {
                                                replies.offer(d);
                                            }

                                            @Override
                                            public void closed(
                                                    DeviceSocket s, int code, String why) {
                                                replies.offer(Downlink.getDefaultInstance());
                                            }
                                        })
                                .get(10, TimeUnit.SECONDS);
            }
            socket.send(batch(seq, timeNanos)).get(10, TimeUnit.SECONDS);
            Downlink reply = replies.poll(REPLY_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            return reply != null && reply.hasAck() && reply.getAck().getSeq() >= seq;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping = true;
            return false;
        } catch (Exception e) {
            return false;
        }
    }

    private static Uplink batch(long seq, long timeNanos) {
        return Uplink.newBuilder()
                .setBatch(
                        TelemetryBatch.newBuilder()
                                .addReadings(
                                        Reading.newBuilder()
                                                .setSeq(seq)
                                                .setTimeUnixNano(timeNanos)
                                                .putMetrics("temperature", temperature(seq))))
                .build();
    }

    private void disconnect() {
        if (socket != null) {
            socket.abort();
            socket = null;
        }
    }

    // The device's own pacing between readings, not a wait for a condition.
    private void pause(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping = true;
        }
    }
}
