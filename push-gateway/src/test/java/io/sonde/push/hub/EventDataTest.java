package io.sonde.push.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class EventDataTest {
    private final AtomicInteger encodings = new AtomicInteger();

    private EventData counted(String json) {
        return EventData.lazy(() -> {
            encodings.incrementAndGet();
            return json;
        });
    }

    @Test
    void lazyDataIsEncodedOnFirstUseAndOnlyOnce() {
        EventData data = counted("{\"v\":1}");
        assertThat(encodings).hasValue(0);

        assertThat(data.json()).isEqualTo("{\"v\":1}");
        assertThat(data.json()).isEqualTo("{\"v\":1}");
        assertThat(data.toString()).isEqualTo("{\"v\":1}");
        assertThat(encodings).hasValue(1);
    }

    @Test
    void threadsAskingTogetherAllSeeTheSameJson() {
        EventData data = counted("{\"v\":2}");
        List<CompletableFuture<String>> asks =
                IntStream.range(0, 8)
                        .mapToObj(i -> CompletableFuture.supplyAsync(data::json))
                        .toList();
        assertThat(asks).allSatisfy(f -> assertThat(f.join()).isEqualTo("{\"v\":2}"));
        assertThat(encodings.get()).isBetween(1, 8);
        assertThat(data.json()).isEqualTo("{\"v\":2}");
    }

    @Test
    void anEncoderReturningNullIsAnError() {
        EventData data = EventData.lazy(() -> null);
        assertThatThrownBy(data::json).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> EventData.of(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void aRetainedEntryReplacedBeforeAnyoneAsksIsNeverEncoded() {
        Hub hub = new Hub((device, n) -> 0);
        hub.begin(Log.AGGREGATES, new long[] {0});
        for (int offset = 0; offset < 100; offset++) {
            hub.publish(
                    Log.AGGREGATES,
                    0,
                    offset,
                    List.of(
                            Emit.retained(
                                    Channels.aggregates("d"),
                                    "aggregate",
                                    counted("{\"o\":" + offset + "}"),
                                    "t/60")));
        }
        assertThat(encodings).hasValue(0);

        List<PushEvent> snapshot = hub.retained(Channels.aggregates("d"));
        assertThat(snapshot).singleElement().extracting(PushEvent::data).isEqualTo("{\"o\":99}");
        assertThat(encodings).hasValue(1);
    }

    @Test
    void anEventMovedToAnotherCursorSharesItsEncoding() {
        EventData data = counted("{}");
        PushEvent event =
                new PushEvent("devices", "device", data, Log.DEVICE_STATE, 0, 4, cursor(5));
        PushEvent moved = event.at(cursor(9));

        assertThat(moved.data()).isEqualTo(event.data());
        assertThat(moved.cursor()).isEqualTo(cursor(9));
        assertThat(moved.offset()).isEqualTo(4);
        assertThat(encodings).hasValue(1);
    }

    private static Cursor cursor(long offset) {
        return Cursor.of(Log.DEVICE_STATE, 0, offset);
    }
}
