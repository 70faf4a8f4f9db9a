package io.sonde.stream.processor;

import io.sonde.stream.alert.Severity;
import java.util.EnumMap;
import java.util.Map;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.streams.StreamsMetrics;

/**
 * The processor's counts as Kafka Streams sensors, so that the topology test can read them from the
 * test driver and the service binds them to Micrometer ({@code StreamsMeters}). Each sensor is per
 * stream thread; the service sums them. Group {@code stream-sonde-metrics}, tag {@code sonde-id} =
 * the entity (e.g. a severity).
 */
final class ProcessorSensors {
    /** Streams metric scope: group {@code stream-sonde-metrics}. */
    static final String SCOPE = "sonde";

    static final String DUPLICATES = "duplicates";
    static final String LATE = "late";
    static final String NAMES_DROPPED = "metric-names-dropped";
    static final String ALERTS_RAISED = "alerts-raised";
    static final String ALERTS_CLEARED = "alerts-cleared";
    static final String PUNCTUATION_LAG = "punctuation-lag";

    private final Sensor duplicates;
    private final Map<String, Sensor> late = new java.util.HashMap<>();
    private final Sensor namesDropped;
    private final Map<Severity, Sensor> raised = new EnumMap<>(Severity.class);
    private final Map<Severity, Sensor> cleared = new EnumMap<>(Severity.class);
    private final Sensor punctuationLag;
    private final StreamsMetrics metrics;

    ProcessorSensors(StreamsMetrics metrics) {
        this.metrics = metrics;
        this.duplicates = count("dedup", DUPLICATES);
        this.namesDropped = count("device", NAMES_DROPPED);
        for (Severity s : Severity.values()) {
            raised.put(s, count(s.wire(), ALERTS_RAISED));
            cleared.put(s, count(s.wire(), ALERTS_CLEARED));
        }
        this.punctuationLag =
                metrics.addLatencyRateTotalSensor(
                        SCOPE, "punctuation", PUNCTUATION_LAG, Sensor.RecordingLevel.INFO);
    }

    void duplicate() {
        duplicates.record();
    }

    void late(String window) {
        late.computeIfAbsent(window, w -> count(w, LATE)).record();
    }

    void nameDropped() {
        namesDropped.record();
    }

    void alert(String severity, boolean raise) {
        Severity s = Severity.parse(severity).orElse(Severity.INFO);
        (raise ? raised : cleared).get(s).record();
    }

    /** How much later than planned a punctuation ran, in milliseconds. */
    void punctuationLag(long lagMs) {
        punctuationLag.record(lagMs);
    }

    private Sensor count(String entity, String operation) {
        return metrics.addRateTotalSensor(SCOPE, entity, operation, Sensor.RecordingLevel.INFO);
    }
}
