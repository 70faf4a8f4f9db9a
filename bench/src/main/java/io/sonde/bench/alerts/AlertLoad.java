package io.sonde.bench.alerts;

import io.sonde.bench.OpenLoop;
import io.sonde.bench.load.TypicalReading;
import io.sonde.ingest.kafka.IngestProducer;
import io.sonde.proto.v1.TelemetryRecord;
import io.sonde.stack.LocalStack;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Readings written to the telemetry topic as the ingest gateway writes them (its producer settings,
 * key = device id), on an open-loop schedule over {@code devices} devices in turn. Every device's
 * temperature is normal ({@link #NORMAL}) except one reading in {@code period}, which is hot
 * ({@link #HOT}): that reading raises the bench rule's alert and the device's next one clears it. A
 * reading's event and receive time are its intended send time, so an alert's {@code raisedAt} and
 * {@code clearedAt} are the intended send times of the readings that caused them.
 *
 * <p>Threading: {@link #send} runs on the calling thread; the producer sends asynchronously.
 */
final class AlertLoad implements AutoCloseable {
    static final double NORMAL = 70;
    static final double HOT = 90;

    private final String topic;
    private final int devices;
    private final int period;
    private final long[] seqs;
    private final TelemetryRecord template = TypicalReading.record("bench-0", 1);
    private final KafkaProducer<byte[], byte[]> producer;
    // The nanoTime clock mapped onto the wall clock once, so intended times convert exactly.
    private final long wallBaseMs = System.currentTimeMillis();
    private final long nanoBase = System.nanoTime();
    private long hotReadings;

    AlertLoad(LocalStack stack, int devices, int period) {
        this.topic = stack.kafka().topics().telemetry().name();
        this.devices = devices;
        this.period = period;
        this.seqs = new long[devices];
        this.producer =
                new KafkaProducer<>(IngestProducer.properties(stack.kafka(), "sonde-bench-alerts"));
    }

    /** Sends at {@code perSecond} for {@code duration}; returns what the schedule did. */
    OpenLoop.Stats send(double perSecond, Duration duration) throws Exception {
        return OpenLoop.run(perSecond, duration, Long.MAX_VALUE, this::sendOne);
    }

    private void sendOne(long index, long intendedNanos) {
        int d = (int) (index % devices);
        long seq = ++seqs[d];
        boolean hot = (seq + d) % period == 0;
        if (hot) {
            hotReadings++;
        }
        long wallNanos = TimeUnit.MILLISECONDS.toNanos(wallBaseMs) + (intendedNanos - nanoBase);
        String id = "bench-" + d;
        TelemetryRecord r =
                template.toBuilder()
                        .setDeviceId(id)
                        .setSeq(seq)
                        .setTimeUnixNano(wallNanos)
                        .setReceivedUnixNano(wallNanos)
                        .putMetrics("temperature", hot ? HOT : NORMAL)
                        .build();
        producer.send(
                new ProducerRecord<>(topic, id.getBytes(StandardCharsets.UTF_8), r.toByteArray()));
    }

    /** Hot readings sent so far: each should raise one alert and, one reading later, clear it. */
    long hotReadings() {
        return hotReadings;
    }

    /** The intended wall-clock time in ms of a send intended at {@code nanos}. */
    long wallMillis(long nanos) {
        return wallBaseMs + TimeUnit.NANOSECONDS.toMillis(nanos - nanoBase);
    }

    /** Waits until every record sent so far is acknowledged. */
    void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close();
    }
}
