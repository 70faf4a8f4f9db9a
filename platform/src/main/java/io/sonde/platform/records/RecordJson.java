package io.sonde.platform.records;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sonde.proto.v1.Aggregate;
import io.sonde.proto.v1.Alert;
import io.sonde.proto.v1.AlertState;
import io.sonde.proto.v1.DeviceState;
import io.sonde.proto.v1.TelemetryRecord;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON shapes of Sonde's records (docs/streams.md), the same in the push gateway's events and
 * the stream processor's REST answers, built from the Kafka records. Times are epoch milliseconds;
 * a value JSON cannot hold (NaN, infinity) is written as {@code null} rather than as invalid JSON.
 * Map keys are sorted so that the same state always reads the same. Stateless and thread-safe.
 */
public final class RecordJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final long NANOS_PER_MILLI = 1_000_000L;

    private RecordJson() {}

    /**
     * {@code {"deviceId","seq","time","metrics","attributes","traceparent"}}, the last left out
     * when {@code traceparent} is empty.
     */
    public static String telemetry(TelemetryRecord r, String traceparent) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("deviceId", r.getDeviceId());
        node.put("seq", r.getSeq());
        node.put("time", r.getTimeUnixNano() / NANOS_PER_MILLI);
        metrics(node.putObject("metrics"), r.getMetricsMap());
        ObjectNode attributes = node.putObject("attributes");
        new TreeMap<>(r.getAttributesMap()).forEach(attributes::put);
        trace(node, traceparent);
        return write(node);
    }

    /**
     * {@code {"deviceId","metric","window","start","end","count","min","max","sum","mean","last",
     * "revision","final"}}.
     */
    public static String aggregate(Aggregate a) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("deviceId", a.getDeviceId());
        node.put("metric", a.getMetric());
        node.put("window", a.getWindow());
        node.put("start", a.getStartMs());
        node.put("end", a.getEndMs());
        node.put("count", a.getCount());
        number(node, "min", a.getMin());
        number(node, "max", a.getMax());
        number(node, "sum", a.getSum());
        number(node, "mean", a.getCount() == 0 ? Double.NaN : a.getSum() / a.getCount());
        number(node, "last", a.getLast());
        node.put("revision", a.getRevision());
        node.put("final", a.getFinal());
        return write(node);
    }

    /** {@code {"deviceId","online","lastSeen","metrics"}}. */
    public static String device(DeviceState s) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("deviceId", s.getDeviceId());
        node.put("online", s.getOnline());
        node.put("lastSeen", s.getLastSeenMs());
        metrics(node.putObject("metrics"), s.getMetricsMap());
        return write(node);
    }

    /** An alert without trace context, as the REST answers (built from state) give it. */
    public static String alert(Alert a) {
        return alert(a, "");
    }

    /**
     * {@code {"id","ruleId","deviceId","metric","severity","state","value","threshold","raisedAt",
     * "clearedAt","message","traceparent"}}; {@code clearedAt} is {@code null} while active, {@code
     * traceparent} left out when empty.
     */
    public static String alert(Alert a, String traceparent) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("id", a.getId());
        node.put("ruleId", a.getRuleId());
        node.put("deviceId", a.getDeviceId());
        node.put("metric", a.getMetric());
        node.put("severity", a.getSeverity());
        node.put("state", a.getState() == AlertState.CLEARED ? "cleared" : "active");
        number(node, "value", a.getValue());
        number(node, "threshold", a.getThreshold());
        node.put("raisedAt", a.getRaisedAtMs());
        if (a.getState() == AlertState.CLEARED) {
            node.put("clearedAt", a.getClearedAtMs());
        } else {
            node.putNull("clearedAt");
        }
        node.put("message", a.getMessage());
        trace(node, traceparent);
        return write(node);
    }

    /** A JSON array of already-written JSON values. */
    public static String array(Iterable<String> elements) {
        return "[" + String.join(",", elements) + "]";
    }

    private static void trace(ObjectNode node, String traceparent) {
        if (!traceparent.isEmpty()) {
            node.put("traceparent", traceparent);
        }
    }

    private static void metrics(ObjectNode target, Map<String, Double> metrics) {
        new TreeMap<>(metrics).forEach((name, value) -> number(target, name, value));
    }

    private static void number(ObjectNode node, String field, double value) {
        if (Double.isFinite(value)) {
            node.put(field, value);
        } else {
            node.putNull(field);
        }
    }

    private static String write(ObjectNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            // A tree of strings and numbers always serializes; reaching here is a bug.
            throw new IllegalStateException("cannot write event JSON", e);
        }
    }
}
