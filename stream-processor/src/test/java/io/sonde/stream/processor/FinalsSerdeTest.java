package io.sonde.stream.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sonde.proto.v1.Aggregate;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class FinalsSerdeTest {
    private final FinalsSerde serde = new FinalsSerde();

    private static Aggregate aggregate(String metric, long count) {
        return Aggregate.newBuilder()
                .setDeviceId("dev-1")
                .setMetric(metric)
                .setCount(count)
                .setMin(-1.5)
                .setMax(count * 2.0)
                .setSum(count * 1.25)
                .setFinal(true)
                .build();
    }

    @Test
    void theFinalsOfAWindowComeBackAsTheyWereInOrder() {
        List<Aggregate> finals =
                List.of(
                        aggregate("temperature", 10),
                        aggregate("h", 1),
                        aggregate("x".repeat(300), 7));

        byte[] bytes = serde.serialize("t", finals);

        assertThat(serde.deserialize("t", bytes)).isEqualTo(finals);
    }

    @Test
    void anEmptyWindowAndNullRoundTrip() {
        assertThat(serde.deserialize("t", serde.serialize("t", List.of()))).isEmpty();
        assertThat(serde.serialize("t", null)).isNull();
        assertThat(serde.deserialize("t", null)).isNull();
    }

    @Test
    void truncatedHistoryIsASerializationError() {
        byte[] bytes = serde.serialize("t", List.of(aggregate("temperature", 10)));
        byte[] cut = Arrays.copyOf(bytes, bytes.length - 3);

        assertThatThrownBy(() -> serde.deserialize("t", cut))
                .isInstanceOf(SerializationException.class);
    }
}
