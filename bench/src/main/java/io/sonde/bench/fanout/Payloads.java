package io.sonde.bench.fanout;

/**
 * The message both servers carry: the JSON data of a {@code telemetry} event (docs/streams.md),
 * with the intended send time in the attribute {@code sent}. The push gateway renders the same
 * shape from the Kafka record, so both servers move messages of about the same size.
 */
final class Payloads {
    /** The one device the publisher writes as: subscribers follow {@code telemetry:DEVICE}. */
    static final String DEVICE = "bench-fanout";

    private Payloads() {}

    static String json(long seq, long intendedNanos) {
        return "{\"deviceId\":\""
                + DEVICE
                + "\",\"seq\":"
                + seq
                + ",\"time\":"
                + System.currentTimeMillis()
                + ",\"metrics\":{\"value\":21.5},\"attributes\":{\"sent\":\""
                + intendedNanos
                + "\"}}";
    }
}
