package io.sonde.push.hub;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChannelsTest {
    @ParameterizedTest
    @ValueSource(strings = {"devices", "telemetry:dev-1", "aggregates:dev.7", "telemetry:a:b"})
    void servedChannelsHaveNoProblem(String channel) {
        assertThat(Channels.problem(channel)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "device", "telemetry:", "telemetry:*", "aggregates:a b", "foo:x"})
    void otherNamesAreRefusedWithAReason(String channel) {
        assertThat(Channels.problem(channel)).isPresent();
    }

    @Test
    void unknownChannelsSaySoAndAlertsSayNotYet() {
        assertThat(Channels.problem("weather")).get().asString().contains("unknown channel");
        assertThat(Channels.problem("alerts:dev-1")).get().asString().contains("not served yet");
    }
}
