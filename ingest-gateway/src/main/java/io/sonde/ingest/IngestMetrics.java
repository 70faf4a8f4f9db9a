package io.sonde.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.sonde.proto.v1.ErrorCode;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/** The gateway's meters, named {@code sonde.ingest.*}; tags are outcomes, never device ids. */
final class IngestMetrics {
    private final Counter readingsAccepted;
    private final Counter batchesAccepted;
    private final Counter batchesResent;
    private final Map<ErrorCode, Counter> batchesRejected = new EnumMap<>(ErrorCode.class);
    private final Timer durableLatency;

    IngestMetrics(MeterRegistry meters, ConnectionRegistry connections) {
        this.readingsAccepted =
                Counter.builder("sonde.ingest.readings")
                        .description("Readings written to Kafka and acknowledged")
                        .register(meters);
        this.batchesAccepted = batches(meters, "accepted");
        this.batchesResent = batches(meters, "resent");
        for (ErrorCode code : ErrorCode.values()) {
            if (code != ErrorCode.UNRECOGNIZED && code != ErrorCode.ERROR_CODE_UNSPECIFIED) {
                batchesRejected.put(code, batches(meters, code.name().toLowerCase(Locale.ROOT)));
            }
        }
        this.durableLatency =
                Timer.builder("sonde.ingest.durable.latency")
                        .description("From a batch's arrival to its acks=all confirmation")
                        .publishPercentileHistogram()
                        .register(meters);
        // Strong references: Micrometer holds gauge targets weakly; without them a collected
        // target would make the gauge read NaN.
        Gauge.builder("sonde.ingest.connections", connections, ConnectionRegistry::size)
                .description("Open device WebSocket connections")
                .strongReference(true)
                .register(meters);
        Gauge.builder("sonde.ingest.batches.inflight", connections, ConnectionRegistry::owed)
                .description("WebSocket batches received and not yet answered")
                .strongReference(true)
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

    void rejected(ErrorCode code) {
        Counter c = batchesRejected.get(code);
        if (c != null) {
            c.increment();
        }
    }

    private static Counter batches(MeterRegistry meters, String outcome) {
        return Counter.builder("sonde.ingest.batches")
                .description("Telemetry batches by outcome")
                .tag("outcome", outcome)
                .register(meters);
    }
}
