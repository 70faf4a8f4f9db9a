package io.sonde.platform.kafka;

import io.sonde.proto.v1.Aggregate;
import io.sonde.proto.v1.Alert;
import io.sonde.proto.v1.AlertRule;
import io.sonde.proto.v1.DeviceState;
import io.sonde.proto.v1.TelemetryRecord;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The one catalogue of Sonde's topics (docs/topics.md). A prefix lets several deployments, or
 * several tests, share one cluster without seeing each other's records.
 */
public final class Topics {
    /** Prefix of every topic name unless configured otherwise. */
    public static final String DEFAULT_PREFIX = "sonde.";

    private static final Serde<String> KEYS = Serdes.String();

    private final String prefix;
    private final Topic<String, TelemetryRecord> telemetry;
    private final Topic<String, Aggregate> aggregates;
    private final Topic<String, Alert> alerts;
    private final Topic<String, DeviceState> deviceState;
    private final Topic<String, AlertRule> alertRules;

    private Topics(String prefix) {
        this.prefix = prefix;
        this.telemetry =
                new Topic<>(
                        prefix + "telemetry",
                        KEYS,
                        ProtobufSerde.of(TelemetryRecord.parser()),
                        false);
        this.aggregates =
                new Topic<>(
                        prefix + "aggregates", KEYS, ProtobufSerde.of(Aggregate.parser()), false);
        this.alerts = new Topic<>(prefix + "alerts", KEYS, ProtobufSerde.of(Alert.parser()), false);
        this.deviceState =
                new Topic<>(
                        prefix + "device-state",
                        KEYS,
                        ProtobufSerde.of(DeviceState.parser()),
                        true);
        this.alertRules =
                new Topic<>(
                        prefix + "alert-rules", KEYS, ProtobufSerde.of(AlertRule.parser()), true);
    }

    /** The catalogue with the given name prefix, e.g. {@code "sonde."}. */
    public static Topics withPrefix(String prefix) {
        return new Topics(prefix);
    }

    public String prefix() {
        return prefix;
    }

    /** Accepted readings; key: device id. Written by the ingest gateway. */
    public Topic<String, TelemetryRecord> telemetry() {
        return telemetry;
    }

    /** Windowed aggregates; key: device id. Written by the stream processor. */
    public Topic<String, Aggregate> aggregates() {
        return aggregates;
    }

    /** Alert raise and clear events; key: device id. Written by the stream processor. */
    public Topic<String, Alert> alerts() {
        return alerts;
    }

    /** Latest state of each device (compacted); key: device id. */
    public Topic<String, DeviceState> deviceState() {
        return deviceState;
    }

    /** Alert rules (compacted); key: rule id; a tombstone deletes a rule. */
    public Topic<String, AlertRule> alertRules() {
        return alertRules;
    }

    /** Every topic of the catalogue, for provisioning. */
    public List<Topic<String, ?>> all() {
        return List.of(telemetry, aggregates, alerts, deviceState, alertRules);
    }
}
