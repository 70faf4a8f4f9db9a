package io.sonde.ingest.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.sonde.ingest.config.IngestConfig;
import io.sonde.proto.v1.Reading;
import io.sonde.proto.v1.TelemetryBatch;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BatchValidatorTest {
    private static final long NOW = 1_800_000_000_000_000_000L;
    private final BatchValidator validator = new BatchValidator(IngestConfig.defaults());

    private static Reading.Builder ok(long seq) {
        return Reading.newBuilder()
                .setSeq(seq)
                .setTimeUnixNano(NOW)
                .putMetrics("temperature", 21.5);
    }

    private Optional<String> check(Reading.Builder... readings) {
        TelemetryBatch.Builder b = TelemetryBatch.newBuilder();
        for (Reading.Builder r : readings) {
            b.addReadings(r);
        }
        return validator.firstProblem(b.build(), NOW);
    }

    @Test
    void acceptsAWellFormedBatchAndDeviceTimeZero() {
        assertThat(check(ok(1), ok(2).setTimeUnixNano(0).putAttributes("fw", "1.0"))).isEmpty();
    }

    @Test
    void namesTheFirstBadField() {
        assertThat(check()).get().asString().startsWith("readings:");
        assertThat(check(ok(2), ok(2))).get().asString().startsWith("readings[1].seq");
        assertThat(check(ok(1), ok(2).putMetrics("x", Double.POSITIVE_INFINITY)))
                .get()
                .asString()
                .startsWith("readings[1].metrics[\"x\"]");
        assertThat(check(ok(1).putMetrics("a b", 1))).get().asString().contains("name must match");
        assertThat(check(ok(1).putMetrics("m".repeat(65), 1)))
                .get()
                .asString()
                .contains("name must match");
        assertThat(check(ok(1).putAttributes("fw", "v".repeat(257))))
                .get()
                .asString()
                .startsWith("readings[0].attributes[\"fw\"]");
        assertThat(check(ok(1).setTraceparent("nope")))
                .get()
                .asString()
                .startsWith("readings[0].traceparent");
        assertThat(check(Reading.newBuilder().setSeq(1)))
                .get()
                .asString()
                .startsWith("readings[0].metrics");
    }

    @Test
    void boundsDeviceTimeTo24HoursBackAnd5MinutesAhead() {
        long hour = Duration.ofHours(1).toNanos();
        assertThat(check(ok(1).setTimeUnixNano(NOW - 23 * hour))).isEmpty();
        assertThat(check(ok(1).setTimeUnixNano(NOW - 25 * hour)))
                .get()
                .asString()
                .contains("in the past");
        assertThat(check(ok(1).setTimeUnixNano(NOW + Duration.ofMinutes(6).toNanos())))
                .get()
                .asString()
                .contains("in the future");
    }

    @Test
    void boundsCounts() {
        Reading.Builder many = ok(1);
        for (int i = 0; i < 64; i++) {
            many.putMetrics("m" + i, i);
        }
        assertThat(check(many)).get().asString().contains("at most 64 metrics");
        Reading.Builder[] batch = new Reading.Builder[1001];
        for (int i = 0; i < batch.length; i++) {
            batch[i] = ok(i + 1);
        }
        assertThat(check(batch)).get().asString().contains("at most 1000");
    }

    @Test
    void namesFollowTheSpecRule() {
        assertThat(BatchValidator.isName("temperature")).isTrue();
        assertThat(BatchValidator.isName("a-b_c.d:E9")).isTrue();
        assertThat(BatchValidator.isName("x".repeat(64))).isTrue();
        assertThat(BatchValidator.isName("")).isFalse();
        assertThat(BatchValidator.isName("x".repeat(65))).isFalse();
        assertThat(BatchValidator.isName("tempé")).isFalse();
        assertThat(BatchValidator.isName("a/b")).isFalse();
        assertThat(BatchValidator.isName("a b")).isFalse();
    }
}
