package io.sonde.ingest.protocol;

import io.sonde.ingest.config.IngestConfig;
import io.sonde.proto.v1.Reading;
import io.sonde.proto.v1.TelemetryBatch;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Checks a batch against the limits of docs/device-protocol.md. A batch is accepted or rejected
 * whole; the rejection names the first bad field, e.g. {@code readings[3].metrics["t emp"]: name
 * must match [A-Za-z0-9_.:-]{1,64}}. Stateless and thread-safe.
 */
public final class BatchValidator {
    /** The name rule of docs/device-protocol.md, as said in error messages. */
    private static final String NAME = "[A-Za-z0-9_.:-]{1,64}";

    private static final int MAX_NAME_LENGTH = 64;
    private static final Pattern TRACEPARENT =
            Pattern.compile("[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");
    private static final long NANOS_PER_MILLI = 1_000_000L;

    private final IngestConfig limits;

    /** The problem of a batch without readings. */
    public static final String EMPTY_BATCH = "readings: a batch needs at least one reading";

    BatchValidator(IngestConfig limits) {
        this.limits = limits;
    }

    /** The first problem of {@code batch} at gateway time {@code nowNanos}, if any. */
    Optional<String> firstProblem(TelemetryBatch batch, long nowNanos) {
        int count = batch.getReadingsCount();
        if (count == 0) {
            return Optional.of(EMPTY_BATCH);
        }
        if (count > limits.maxReadingsPerBatch()) {
            return Optional.of(
                    "readings: " + count + " readings, at most " + limits.maxReadingsPerBatch());
        }
        long previousSeq = -1;
        for (int i = 0; i < count; i++) {
            Reading r = batch.getReadings(i);
            String at = "readings[" + i + "]";
            if (r.getSeq() < 0) {
                return Optional.of(at + ".seq: larger than 2^63-1");
            }
            if (r.getSeq() <= previousSeq) {
                return Optional.of(at + ".seq: must be greater than the previous reading's seq");
            }
            previousSeq = r.getSeq();
            Optional<String> problem = readingProblem(r, at, nowNanos);
            if (problem.isPresent()) {
                return problem;
            }
        }
        return Optional.empty();
    }

    private Optional<String> readingProblem(Reading r, String at, long nowNanos) {
        if (r.getTimeUnixNano() != 0) {
            long t = r.getTimeUnixNano();
            if (t < nowNanos - limits.maxPast().toNanos()) {
                return Optional.of(
                        at + ".time_unix_nano: more than " + limits.maxPast() + " in the past");
            }
            if (t > nowNanos + limits.maxFuture().toNanos()) {
                return Optional.of(
                        at + ".time_unix_nano: more than " + limits.maxFuture() + " in the future");
            }
        }
        if (r.getMetricsCount() == 0) {
            return Optional.of(at + ".metrics: a reading needs at least one metric");
        }
        if (r.getMetricsCount() > limits.maxMetricsPerReading()) {
            return Optional.of(
                    at + ".metrics: at most " + limits.maxMetricsPerReading() + " metrics");
        }
        for (Map.Entry<String, Double> m : r.getMetricsMap().entrySet()) {
            if (!isName(m.getKey())) {
                return Optional.of(
                        at + ".metrics[" + quoted(m.getKey()) + "]: name must match " + NAME);
            }
            if (!Double.isFinite(m.getValue())) {
                return Optional.of(
                        at + ".metrics[" + quoted(m.getKey()) + "]: value must be finite");
            }
        }
        return attributeProblem(r, at);
    }

    private Optional<String> attributeProblem(Reading r, String at) {
        if (r.getAttributesCount() > limits.maxAttributesPerReading()) {
            return Optional.of(
                    at
                            + ".attributes: at most "
                            + limits.maxAttributesPerReading()
                            + " attributes");
        }
        for (Map.Entry<String, String> a : r.getAttributesMap().entrySet()) {
            if (!isName(a.getKey())) {
                return Optional.of(
                        at + ".attributes[" + quoted(a.getKey()) + "]: name must match " + NAME);
            }
            if (a.getValue().length() > limits.maxAttributeValueChars()) {
                return Optional.of(
                        at
                                + ".attributes["
                                + quoted(a.getKey())
                                + "]: value longer than "
                                + limits.maxAttributeValueChars()
                                + " characters");
            }
        }
        if (!r.getTraceparent().isEmpty() && !TRACEPARENT.matcher(r.getTraceparent()).matches()) {
            return Optional.of(at + ".traceparent: not a W3C traceparent");
        }
        return Optional.empty();
    }

    // Every metric and attribute name of every reading passes here: a plain loop, where a regex
    // match showed as the gateway's top CPU frame in the ingest benchmark.
    static boolean isName(String s) {
        int n = s.length();
        if (n == 0 || n > MAX_NAME_LENGTH) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            boolean ok =
                    (c >= 'a' && c <= 'z')
                            || (c >= 'A' && c <= 'Z')
                            || (c >= '0' && c <= '9')
                            || c == '_'
                            || c == '.'
                            || c == ':'
                            || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Gateway time in epoch nanoseconds, the same clock the bounds use. */
    static long nowNanos() {
        return System.currentTimeMillis() * NANOS_PER_MILLI;
    }

    // Names in messages are cut and escaped so that a hostile name cannot flood the reply.
    private static String quoted(String name) {
        String cut = name.length() > 70 ? name.substring(0, 70) + "..." : name;
        return "\"" + cut.replace("\"", "\\\"") + "\"";
    }
}
