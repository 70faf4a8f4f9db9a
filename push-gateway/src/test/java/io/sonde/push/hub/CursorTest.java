package io.sonde.push.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CursorTest {
    @Test
    void anEncodedCursorParsesBackAndIsUrlSafe() {
        Cursor cursor = new Cursor("device-state", 5, 1_234_567_890_123L);
        String id = cursor.encode();

        assertThat(id).matches("[A-Za-z0-9_-]+");
        assertThat(Cursor.parse(id)).contains(cursor);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not base64!", "AAAA", "AQ", "%%%", "AQl0ZWxlbWV0cnk"})
    void malformedIdsAreRejectedWithoutThrowing(String id) {
        assertThat(Cursor.parse(id)).isEmpty();
    }

    @Test
    void negativePositionsAreNotCursors() {
        assertThatThrownBy(() -> new Cursor("telemetry", -1, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
