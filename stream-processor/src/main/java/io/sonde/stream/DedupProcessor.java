package io.sonde.stream;

import io.sonde.proto.v1.TelemetryRecord;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Passes each reading once. The device protocol (docs/device-protocol.md) makes {@code seq}
 * strictly increasing per device, so the store keeps only the highest seq seen per device and any
 * reading with {@code seq <=} that is a duplicate: a gateway retry, a device resend after a lost
 * ack, or the same batch through two gateways. The store is changelogged and updated in the same
 * transaction as the outputs, so this holds across restarts and rebalances.
 *
 * <p>Consequence of the rule: a device whose seq goes backwards (e.g. after a factory reset) is
 * silent until its seq passes the old high-water mark. Input records must be keyed by device id,
 * which puts every reading of a device on one task.
 */
final class DedupProcessor implements FixedKeyProcessor<String, TelemetryRecord, TelemetryRecord> {
    /** Streams metric group {@code stream-sonde-metrics}. */
    static final String METRIC_SCOPE = "sonde";

    static final String METRIC_ENTITY = "dedup";

    /** Yields the metric {@code duplicates-total} (and {@code -rate}) per stream thread. */
    static final String METRIC_OPERATION = "duplicates";

    private final String storeName;
    private FixedKeyProcessorContext<String, TelemetryRecord> context;
    private KeyValueStore<String, Long> highestSeq;
    private Sensor duplicates;

    DedupProcessor(String storeName) {
        this.storeName = storeName;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, TelemetryRecord> context) {
        this.context = context;
        this.highestSeq = context.getStateStore(storeName);
        this.duplicates =
                context.metrics()
                        .addRateTotalSensor(
                                METRIC_SCOPE,
                                METRIC_ENTITY,
                                METRIC_OPERATION,
                                Sensor.RecordingLevel.INFO);
    }

    @Override
    public void process(FixedKeyRecord<String, TelemetryRecord> record) {
        long seq = record.value().getSeq();
        Long highest = highestSeq.get(record.key());
        // seq is a proto uint64: compare as unsigned.
        if (highest != null && Long.compareUnsigned(seq, highest) <= 0) {
            duplicates.record();
            return;
        }
        highestSeq.put(record.key(), seq);
        context.forward(record);
    }
}
