package io.sonde.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.sonde.client.device.WireFormat;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SimulatorConfigTest {
    private static final URI URL = URI.create("ws://localhost:8081/v1/ingest");

    @Test
    void defaults() {
        SimulatorConfig options = SimulatorConfig.builder(URL, id -> "t").build();

        assertThat(options.devices()).isEqualTo(SimulatorConfig.DEFAULT_DEVICES);
        assertThat(options.batchInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(options.duration()).isEqualTo(Duration.ZERO);
        assertThat(options.format()).isEqualTo(WireFormat.PROTOBUF);
        assertThat(options.maxUnackedBatches()).isEqualTo(64);
        assertThat(options.deviceId(3)).isEqualTo("sim-3");
        assertThat(options.progressInterval()).isEqualTo(Duration.ZERO);
    }

    @Test
    void rejectsWhatCannotWork() {
        assertThatIllegalArgumentException()
                .isThrownBy(() ->
                        SimulatorConfig.builder(URI.create("http://x/v1/ingest"), id -> "t")
                                .build())
                .withMessageContaining("ws://");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> SimulatorConfig.builder(URL, id -> "t").devices(0).build());
        assertThatIllegalArgumentException()
                .isThrownBy(() -> SimulatorConfig.builder(URL, id -> "t").rate(0).build());
        assertThatIllegalArgumentException()
                .isThrownBy(() -> SimulatorConfig.builder(URL, id -> "t").rate(1e6).build());
        assertThatIllegalArgumentException()
                .isThrownBy(() ->
                        SimulatorConfig.builder(URL, id -> "t")
                                .duration(Duration.ofSeconds(-1))
                                .build());
        assertThatIllegalArgumentException()
                .isThrownBy(() -> SimulatorConfig.builder(URL, id -> "t").traceRatio(1.5).build());
    }

    @Test
    void acceptsFractionalRates() {
        assertThat(SimulatorConfig.builder(URL, id -> "t").rate(0.5).build().rate()).isEqualTo(0.5);
    }
}
