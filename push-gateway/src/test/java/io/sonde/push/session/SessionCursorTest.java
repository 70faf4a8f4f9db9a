package io.sonde.push.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.sonde.push.hub.Cursor;
import io.sonde.push.hub.Log;
import io.sonde.push.hub.PushEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

class SessionCursorTest {
    private static PushEvent at(String channel, Log log, int partition, long offset, Cursor c) {
        return new PushEvent(channel, "x", "{}", log, partition, offset, c);
    }

    @Test
    void aSingleChannelUsesEachEventsOwnIdString() {
        SessionCursor cursor = new SessionCursor(Cursor.of(Log.TELEMETRY, 2, 10));
        PushEvent e = at("telemetry:d", Log.TELEMETRY, 2, 12, Cursor.of(Log.TELEMETRY, 2, 13));

        assertThat(cursor.idOf(e)).isSameAs(e.id());
        assertThat(cursor.current()).isEqualTo(Cursor.of(Log.TELEMETRY, 2, 13));
    }

    @Test
    void channelsOfTwoLogsGetAMergedIdNamingBoth() {
        Cursor start =
                Cursor.of(Log.TELEMETRY, 2, 10)
                        .merge(Cursor.of(Log.DEVICE_STATE, new long[] {4, 4}));
        SessionCursor cursor = new SessionCursor(start);

        String id =
                cursor.idOf(
                        at(
                                "devices",
                                Log.DEVICE_STATE,
                                1,
                                4,
                                Cursor.of(Log.DEVICE_STATE, new long[] {4, 5})));

        assertThat(Cursor.parse(id))
                .contains(
                        Cursor.of(Log.TELEMETRY, 2, 10)
                                .merge(Cursor.of(Log.DEVICE_STATE, new long[] {4, 5})));
    }

    @Test
    void aFleetEventBehindWhatAReplayDeliveredNeverMovesTheCursorBack() {
        // The replay read partition 0 to 9 while the live stream was at 5: a later live event of
        // partition 1 names partition 0 at 5, which would replay 5..8 a second time.
        SessionCursor cursor = new SessionCursor(Cursor.of(Log.ALERTS, new long[] {9, 3}));

        String id =
                cursor.idOf(
                        at("alerts", Log.ALERTS, 1, 3, Cursor.of(Log.ALERTS, new long[] {5, 4})));

        assertThat(Cursor.parse(id)).contains(Cursor.of(Log.ALERTS, new long[] {9, 4}));
    }

    @Test
    void aSnapshotIsPendingUntilItsLastEvent() {
        Cursor start = Cursor.of(Log.DEVICE_STATE, new long[] {3, 3});
        SessionCursor cursor = new SessionCursor(start);
        PushEvent e = at("devices", Log.DEVICE_STATE, 0, 1, start);

        List<PushEvent> stamped = cursor.stamp(List.of(e, e, e));

        assertThat(stamped)
                .extracting(p -> p.cursor().snapshotPending())
                .containsExactly(true, true, false);
        assertThat(stamped.get(2).cursor()).isEqualTo(start);
        assertThat(cursor.stamp(List.of())).isEmpty();
    }
}
