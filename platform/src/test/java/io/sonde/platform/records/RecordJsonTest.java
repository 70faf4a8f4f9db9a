package io.sonde.platform.records;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sonde.proto.v1.Aggregate;
import io.sonde.proto.v1.Alert;
import io.sonde.proto.v1.DeviceState;
import io.sonde.proto.v1.TelemetryRecord;
import org.junit.jupiter.api.Test;

class RecordJsonTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void telemetryHasTheSpecFieldsWithTimeInMillis() throws Exception {
        TelemetryRecord record =
                TelemetryRecord.newBuilder()
                        .setDeviceId("dev-1")
                        .setSeq(7)
                        .setTimeUnixNano(1_700_000_000_123_456_789L)
                        .putMetrics("temperature", 21.5)
                        .putAttributes("fw", "1.2")
                        .build();

        JsonNode json = MAPPER.readTree(RecordJson.telemetry(record, ""));

        assertThat(fieldNames(json))
                .containsExactly("deviceId", "seq", "time", "metrics", "attributes");
        assertThat(json.get("time").asLong()).isEqualTo(1_700_000_000_123L);
        assertThat(json.get("seq").asLong()).isEqualTo(7);
        assertThat(json.get("metrics").get("temperature").asDouble()).isEqualTo(21.5);
        assertThat(json.get("attributes").get("fw").asText()).isEqualTo("1.2");
    }

    @Test
    void aReadingAndAnAlertCarryTheirTraceparentLastWhenTheyHaveOne() throws Exception {
        String tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        TelemetryRecord record = TelemetryRecord.newBuilder().setDeviceId("dev-1").build();
        Alert alert = Alert.newBuilder().setId("a").setDeviceId("dev-1").build();

        JsonNode reading = MAPPER.readTree(RecordJson.telemetry(record, tp));
        JsonNode raised = MAPPER.readTree(RecordJson.alert(alert, tp));

        assertThat(fieldNames(reading)).endsWith("attributes", "traceparent");
        assertThat(reading.get("traceparent").asText()).isEqualTo(tp);
        assertThat(fieldNames(raised)).endsWith("message", "traceparent");
        assertThat(fieldNames(MAPPER.readTree(RecordJson.telemetry(record, ""))))
                .doesNotContain("traceparent");
        assertThat(fieldNames(MAPPER.readTree(RecordJson.alert(alert, ""))))
                .doesNotContain("traceparent");
    }

    @Test
    void aggregateHasTheSpecFieldsAndAMean() throws Exception {
        Aggregate aggregate =
                Aggregate.newBuilder()
                        .setDeviceId("dev-1")
                        .setMetric("temperature")
                        .setWindow("10s")
                        .setStartMs(1000)
                        .setEndMs(11000)
                        .setCount(4)
                        .setMin(1)
                        .setMax(4)
                        .setSum(10)
                        .setLast(4)
                        .setRevision(3)
                        .setFinal(true)
                        .build();

        JsonNode json = MAPPER.readTree(RecordJson.aggregate(aggregate));

        assertThat(fieldNames(json))
                .containsExactly(
                        "deviceId",
                        "metric",
                        "window",
                        "start",
                        "end",
                        "count",
                        "min",
                        "max",
                        "sum",
                        "mean",
                        "last",
                        "revision",
                        "final");
        assertThat(json.get("mean").asDouble()).isEqualTo(2.5);
        assertThat(json.get("final").asBoolean()).isTrue();
    }

    @Test
    void deviceHasTheSpecFieldsAndNonFiniteValuesBecomeNull() throws Exception {
        DeviceState state =
                DeviceState.newBuilder()
                        .setDeviceId("dev-1")
                        .setOnline(true)
                        .setLastSeenMs(1234)
                        .putMetrics("temperature", Double.NaN)
                        .putMetrics("humidity", 40)
                        .build();

        JsonNode json = MAPPER.readTree(RecordJson.device(state));

        assertThat(fieldNames(json)).containsExactly("deviceId", "online", "lastSeen", "metrics");
        assertThat(json.get("metrics").get("temperature").isNull()).isTrue();
        assertThat(json.get("metrics").get("humidity").asDouble()).isEqualTo(40.0);
    }

    private static Iterable<String> fieldNames(JsonNode json) {
        return json::fieldNames;
    }
}
