package io.sonde.ingest.protocol;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.sonde.ingest.kafka.TransactionalSender;
import io.sonde.proto.v1.ErrorCode;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * The gateway's meters, named {@code sonde.ingest.*}; tags are outcomes and transports, never
 * device ids. The producer's own meters are {@link TransactionalSender}'s, the connection gauges
 * the connection registry's.
 */
public final class IngestMetrics {
    private final Counter readingsAccepted;
    private final Counter batchesAccepted;
    private final Counter batchesResent;
    private final Map<ErrorCode, Counter> batchesRejected = new EnumMap<>(ErrorCode.class);
    private final Map<ErrorCode, Counter> readingsRejected = new EnumMap<>(ErrorCode.class);
    private final Counter bytesWs;
    private final Counter bytesHttp;
    private final Timer durableLatency;
    private final Timer ackLatency;

    public IngestMetrics(MeterRegistry meters) {
        this.readingsAccepted = readings(meters, "accepted");
        this.batchesAccepted = batches(meters, "accepted");
        this.batchesResent = batches(meters, "resent");
        for (ErrorCode code : ErrorCode.values()) {
            if (code != ErrorCode.UNRECOGNIZED && code != ErrorCode.ERROR_CODE_UNSPECIFIED) {
                String outcome = code.name().toLowerCase(Locale.ROOT);
                batchesRejected.put(code, batches(meters, outcome));
                readingsRejected.put(code, readings(meters, outcome));
            }
        }
        this.bytesWs = bytes(meters, "websocket");
        this.bytesHttp = bytes(meters, "http");
        this.durableLatency =
                Timer.builder("sonde.ingest.durable.latency")
                        .description(
                                "From a batch's arrival to the commit of the transaction holding"
                                        + " it")
                        .publishPercentileHistogram()
                        .register(meters);
        this.ackLatency =
                Timer.builder("sonde.ingest.ack.latency")
                        .description("From a batch's arrival to its reply going out, any reply")
                        .publishPercentileHistogram()
                        .register(meters);
    }

    void accepted(int readings, long startNanos) {
        readingsAccepted.increment(readings);
        batchesAccepted.increment();
        durableLatency.record(
                System.nanoTime() - startNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    void resent() {
        batchesResent.increment();
    }

    void rejected(ErrorCode code, int readings) {
        Counter c = batchesRejected.get(code);
        if (c != null) {
            c.increment();
            readingsRejected.get(code).increment(readings);
        }
    }

    /** A message of {@code bytes} arrived, on a WebSocket or as an HTTP body. */
    public void received(int bytes, boolean websocket) {
        (websocket ? bytesWs : bytesHttp).increment(bytes);
    }

    /** A reply went out {@code nanos} after its batch arrived. */
    public void answered(long nanos) {
        ackLatency.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    private static Counter readings(MeterRegistry meters, String outcome) {
        return Counter.builder("sonde.ingest.readings")
                .description("Readings by outcome: accepted means written and acknowledged")
                .tag("outcome", outcome)
                .register(meters);
    }

    private static Counter bytes(MeterRegistry meters, String transport) {
        return Counter.builder("sonde.ingest.received.bytes")
                .description("Bytes of device messages received")
                .tag("transport", transport)
                .register(meters);
    }

    private static Counter batches(MeterRegistry meters, String outcome) {
        return Counter.builder("sonde.ingest.batches")
                .description("Telemetry batches by outcome")
                .tag("outcome", outcome)
                .register(meters);
    }
}
