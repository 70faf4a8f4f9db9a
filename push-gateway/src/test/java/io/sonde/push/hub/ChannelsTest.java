package io.sonde.push.hub;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChannelsTest {
    @ParameterizedTest
    @ValueSource(
            strings = {
                "devices",
                "alerts",
                "alerts:dev-1",
                "telemetry:dev-1",
                "aggregates:dev.7",
                "telemetry:a:b"
            })
    void servedChannelsHaveNoProblem(String channel) {
        assertThat(Channels.problem(channel)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "device",
                "telemetry:",
                "telemetry:*",
                "aggregates:a b",
                "foo:x",
                "alerts:"
            })
    void otherNamesAreRefusedWithAReason(String channel) {
        assertThat(Channels.problem(channel)).isPresent();
    }

    @Test
    void unknownChannelsSaySo() {
        assertThat(Channels.problem("weather")).get().asString().contains("unknown channel");
        assertThat(Channels.problem("telemetry:" + "x".repeat(129)))
                .get()
                .asString()
                .contains("1 to 128");
    }

    @Test
    void eachChannelReadsItsLogAsAFleetOrADeviceChannel() {
        assertThat(Channels.log("devices")).isEqualTo(Log.DEVICE_STATE);
        assertThat(Channels.log("alerts")).isEqualTo(Log.ALERTS);
        assertThat(Channels.log("alerts:d")).isEqualTo(Log.ALERTS);
        assertThat(Channels.log("telemetry:d")).isEqualTo(Log.TELEMETRY);
        assertThat(Channels.log("aggregates:d")).isEqualTo(Log.AGGREGATES);
        assertThat(Channels.isFleet("devices")).isTrue();
        assertThat(Channels.isFleet("alerts")).isTrue();
        assertThat(Channels.isFleet("alerts:d")).isFalse();
        assertThat(Channels.device("telemetry:a:b")).contains("a:b");
        assertThat(Channels.device("alerts")).isEmpty();
    }
}
