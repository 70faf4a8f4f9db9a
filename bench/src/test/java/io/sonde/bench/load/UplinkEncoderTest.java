package io.sonde.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.sonde.proto.v1.Reading;
import io.sonde.proto.v1.Uplink;
import org.junit.jupiter.api.Test;

class UplinkEncoderTest {

    @Test
    void writesABatchTheGeneratedParserReads() throws Exception {
        long time = 1_780_000_000_123_456_789L;

        byte[] frame = new UplinkEncoder(7).batch(300, 3, time);

        Uplink uplink = Uplink.parseFrom(frame);
        assertThat(uplink.getBodyCase()).isEqualTo(Uplink.BodyCase.BATCH);
        assertThat(uplink.getBatch().getReadingsList())
                .extracting(Reading::getSeq)
                .containsExactly(300L, 301L, 302L);
        Reading r = uplink.getBatch().getReadings(2);
        assertThat(r.getTimeUnixNano()).isEqualTo(time);
        assertThat(r.getMetricsMap()).containsOnlyKeys(UplinkEncoder.METRICS);
        assertThat(r.getMetricsMap().get("pressure")).isBetween(1011.0, 1016.0);
        assertThat(r.getAttributesMap()).isEqualTo(UplinkEncoder.ATTRIBUTES);
    }

    @Test
    void typicalRecordCarriesTheReading() {
        var record = TypicalReading.record("bench-7", 99);

        assertThat(record.getDeviceId()).isEqualTo("bench-7");
        assertThat(record.getSeq()).isEqualTo(99);
        assertThat(record.getMetricsCount()).isEqualTo(5);
        assertThat(record.getSerializedSize()).isBetween(120, 250);
    }
}
