package io.sonde.stream.processor;

import io.sonde.stream.state.Reading;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Event time of a telemetry record: the device clock ({@code time_unix_nano}), else the gateway's
 * receive time, else the Kafka record timestamp. Windows, grace and "last" all follow this clock,
 * so a device that buffers readings while offline still lands them in the right windows. Stateless
 * and thread-safe.
 */
public final class TelemetryTime implements TimestampExtractor {
    private static final long NANOS_PER_MILLI = 1_000_000L;

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        if (record.value() instanceof Reading telemetry) {
            long millis = eventMillis(telemetry);
            if (millis > 0) {
                return millis;
            }
        }
        if (record.timestamp() >= 0) {
            return record.timestamp();
        }
        // Never negative: Streams would drop the reading instead of counting it somewhere.
        return Math.max(partitionTime, 0);
    }

    /** Event time in epoch milliseconds, or 0 when the record carries no time at all. */
    static long eventMillis(Reading record) {
        if (record.timeUnixNano() > 0) {
            return record.timeUnixNano() / NANOS_PER_MILLI;
        }
        return receivedMillis(record);
    }

    /** Gateway receive time in epoch milliseconds, or 0 when absent. */
    static long receivedMillis(Reading record) {
        return Math.max(record.receivedUnixNano(), 0) / NANOS_PER_MILLI;
    }
}
