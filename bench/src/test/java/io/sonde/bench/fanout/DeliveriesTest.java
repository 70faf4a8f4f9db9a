package io.sonde.bench.fanout;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DeliveriesTest {
    @Test
    void readsTheSendTimeAtTheEndOfEitherServersMessage() {
        String peer = "{\"deviceId\":\"d\",\"attributes\":{\"sent\":\"123456789\"}}";
        String ours =
                "{\"op\":\"event\",\"channel\":\"telemetry:d\",\"id\":\"v1.abc\",\"data\":"
                        + peer
                        + "}";

        assertThat(Deliveries.sentNanos(peer)).isEqualTo(123_456_789L);
        assertThat(Deliveries.sentNanos(ours)).isEqualTo(123_456_789L);
    }

    @Test
    void takesTheLastSendTimeAndItsSign() {
        assertThat(Deliveries.sentNanos("{\"sent\":\"1\",\"x\":{\"sent\":\"-42\"}}"))
                .isEqualTo(-42L);
    }

    @Test
    void saysWhenThereIsNone() {
        assertThat(Deliveries.sentNanos("{\"value\":1}")).isEqualTo(Long.MIN_VALUE);
        assertThat(Deliveries.sentNanos("{\"sent\":\"\"}")).isEqualTo(Long.MIN_VALUE);
        assertThat(Deliveries.sentNanos("")).isEqualTo(Long.MIN_VALUE);
    }
}
