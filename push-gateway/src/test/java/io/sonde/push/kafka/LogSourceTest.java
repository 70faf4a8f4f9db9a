package io.sonde.push.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sonde.platform.kafka.KafkaConfig;
import io.sonde.platform.observability.TraceContext;
import io.sonde.proto.v1.Aggregate;
import io.sonde.proto.v1.Alert;
import io.sonde.proto.v1.AlertState;
import io.sonde.proto.v1.TelemetryRecord;
import io.sonde.push.hub.Emit;
import io.sonde.push.hub.Log;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** What a record's trace context becomes in the events made from it. */
class LogSourceTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final KafkaConfig KAFKA = KafkaConfig.of("127.0.0.1:1", "t.");
    private static final String TP = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void aReadingsEventCarriesItsRecordsTraceparent() throws Exception {
        LogSource<TelemetryRecord> source =
                new LogSource<>(Log.TELEMETRY, KAFKA.topics().telemetry(), RecordEvents::telemetry);
        byte[] value =
                TelemetryRecord.newBuilder().setDeviceId("d").setSeq(1).build().toByteArray();

        JsonNode data = data(source.emits(record(value, Optional.of(TP))).getFirst());
        JsonNode without = data(source.emits(record(value, Optional.empty())).getFirst());
        JsonNode forged = data(source.emits(record(value, Optional.of("\"><script>"))).getFirst());

        assertThat(data.get("traceparent").asText()).isEqualTo(TP);
        assertThat(without.has("traceparent")).isFalse();
        assertThat(forged.has("traceparent")).as("a malformed header is not passed on").isFalse();
    }

    @Test
    void bothAlertEventsCarryIt() throws Exception {
        LogSource<Alert> source =
                new LogSource<>(Log.ALERTS, KAFKA.topics().alerts(), RecordEvents::alert);
        byte[] value =
                Alert.newBuilder()
                        .setId("a-1")
                        .setDeviceId("d")
                        .setState(AlertState.ACTIVE)
                        .build()
                        .toByteArray();

        List<Emit> emits = source.emits(record(value, Optional.of(TP)));

        assertThat(emits).hasSize(2);
        for (Emit e : emits) {
            assertThat(data(e).get("traceparent").asText()).isEqualTo(TP);
        }
    }

    @Test
    void anAggregateCarriesNone() throws Exception {
        LogSource<Aggregate> source =
                new LogSource<>(
                        Log.AGGREGATES, KAFKA.topics().aggregates(), RecordEvents::aggregate);
        byte[] value =
                Aggregate.newBuilder()
                        .setDeviceId("d")
                        .setMetric("m")
                        .setWindow("1m")
                        .build()
                        .toByteArray();

        assertThat(data(source.emits(record(value, Optional.of(TP))).getFirst()).has("traceparent"))
                .isFalse();
    }

    private static JsonNode data(Emit e) throws Exception {
        return JSON.readTree(e.data());
    }

    private static ConsumerRecord<byte[], byte[]> record(
            byte[] value, Optional<String> traceparent) {
        RecordHeaders headers = new RecordHeaders();
        traceparent.ifPresent(
                t -> headers.add(TraceContext.TRACEPARENT, t.getBytes(StandardCharsets.UTF_8)));
        return new ConsumerRecord<>(
                "t",
                0,
                0L,
                0L,
                TimestampType.CREATE_TIME,
                1,
                value.length,
                "d".getBytes(StandardCharsets.UTF_8),
                value,
                headers,
                Optional.empty());
    }
}
