package io.sonde.push.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CursorTest {
    @Test
    void aPositionVectorEncodesCompactlyAndParsesBack() {
        Cursor fleet = Cursor.of(Log.DEVICE_STATE, new long[] {0, 17, 1_234_567_890_123L, 5, 6, 7});
        Cursor mixed = fleet.merge(Cursor.of(Log.TELEMETRY, 3, 99));

        assertThat(mixed.encode()).matches("[A-Za-z0-9_-]+").hasSizeLessThan(48);
        assertThat(Cursor.parse(mixed.encode())).contains(mixed);
        assertThat(Cursor.parse(fleet.withSnapshotPending().encode()))
                .hasValueSatisfying(c -> assertThat(c.snapshotPending()).isTrue());
        assertThat(mixed.positions(Log.DEVICE_STATE))
                .containsEntry(2, 1_234_567_890_123L)
                .hasSize(6);
        assertThat(mixed.positions(Log.TELEMETRY)).containsExactly(Map.entry(3, 99L));
        assertThat(mixed.logs()).containsExactlyInAnyOrder(Log.DEVICE_STATE, Log.TELEMETRY);
    }

    @Test
    void randomVectorsSurviveTheRoundTrip() {
        Random random = new Random(42);
        for (int i = 0; i < 2_000; i++) {
            long[] next = new long[1 + random.nextInt(64)];
            for (int p = 0; p < next.length; p++) {
                next[p] =
                        random.nextBoolean()
                                ? random.nextInt(1000)
                                : random.nextLong(Long.MAX_VALUE);
            }
            Cursor c = Cursor.of(Log.values()[random.nextInt(4)], next);
            assertThat(Cursor.parse(c.encode())).contains(c);
        }
    }

    @Test
    void mergeKeepsTheFurtherPositionAndCoversComparesEveryEntry() {
        Cursor a = Cursor.of(Log.ALERTS, new long[] {5, 9});
        Cursor b = Cursor.of(Log.ALERTS, new long[] {7, 3});

        assertThat(a.merge(b)).isEqualTo(Cursor.of(Log.ALERTS, new long[] {7, 9}));
        assertThat(a.merge(b).covers(a)).isTrue();
        assertThat(a.covers(b)).isFalse();
        assertThat(Cursor.of(Log.ALERTS, 0, 5).covers(a)).isFalse(); // lacks partition 1
        assertThat(a.covers(Cursor.of(Log.ALERTS, 1, 9))).isTrue();
        assertThat(a.covers(Cursor.of(Log.ALERTS, 1, 10))).isFalse();
        assertThat(a.covers(Cursor.empty())).isTrue();
    }

    @Test
    void roundOneIdsStillResumeRightAfterTheirEvent() {
        byte[] name = "device-state".getBytes(StandardCharsets.UTF_8);
        ByteBuffer v1 = ByteBuffer.allocate(2 + name.length + 12);
        v1.put((byte) 1).put((byte) name.length).put(name).putInt(4).putLong(41);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(v1.array());

        assertThat(Cursor.parse(id)).contains(Cursor.of(Log.DEVICE_STATE, 4, 42));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "not base64!",
                "AAAA",
                "AQ",
                "%%%",
                "AQl0ZWxlbWV0cnk",
                "AgA",
                "AgIB",
                "AgAJAQEB",
                "AgABAgEBAQE",
                "AgABAf____________8B"
            })
    void malformedIdsAreRejectedWithoutThrowing(String id) {
        // Empty vectors, truncated ones, unknown logs or flags, duplicate partitions, overlong
        // numbers.
        assertThat(Cursor.parse(id)).isEmpty();
    }

    @Test
    void overlongIdsAreRefusedBeforeDecoding() {
        assertThat(Cursor.parse("A".repeat(Cursor.MAX_ID_LENGTH + 1))).isEmpty();
    }

    @Test
    void negativePositionsAreNotCursors() {
        assertThatThrownBy(() -> Cursor.of(Log.TELEMETRY, -1, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Cursor.of(Log.TELEMETRY, 0, -1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
