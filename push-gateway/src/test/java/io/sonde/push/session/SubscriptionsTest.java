package io.sonde.push.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sonde.push.hub.Cursor;
import io.sonde.push.hub.Emit;
import io.sonde.push.hub.Hub;
import io.sonde.push.hub.Log;
import io.sonde.push.session.Subscriptions.From;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SubscriptionsTest {
    private final Hub hub = new Hub((device, n) -> device.equals("b") ? 1 : 0);
    private final Fakes.RecordingHistory history = new Fakes.RecordingHistory();
    private final SubscriptionMeters meters = new SubscriptionMeters(new SimpleMeterRegistry());
    private final Subscriptions subscriptions = new Subscriptions(hub, history, meters);
    private final SessionRegistry registry =
            new SessionRegistry(subscriptions, 16, 4, new SimpleMeterRegistry());

    @BeforeEach
    void begin() throws Exception {
        for (Log log : Log.values()) {
            hub.begin(log, new long[] {10, 20});
        }
        hub.publish(
                Log.DEVICE_STATE, 0, 10, List.of(Emit.retained("devices", "device", "{}", "x")));
    }

    private Session open() throws TooManySessionsException {
        return registry.open("sse", "viewer");
    }

    @Test
    void aLiveStartJoinsEveryLogAtOnceWithItsSnapshot() throws Exception {
        Session s = open();

        Subscriptions.Started started =
                subscriptions.subscribe(s, List.of("devices", "telemetry:b"), new From.Live(true));

        assertThat(started.snapshot()).hasSize(1);
        assertThat(started.start())
                .isEqualTo(
                        Cursor.of(Log.DEVICE_STATE, new long[] {11, 20})
                                .merge(Cursor.of(Log.TELEMETRY, 1, 20)));
        assertThat(history.replays).isEmpty();
        assertThat(hub.subscriberCount("devices")).isEqualTo(1);
        assertThat(meters.subscriptions()).isEqualTo(2);
    }

    @Test
    void aCursorReplaysEachLogItNamesFromItsPositions() throws Exception {
        Session s = open();
        Cursor cursor = Cursor.of(Log.TELEMETRY, 1, 7);

        Subscriptions.Started started =
                subscriptions.subscribe(
                        s, List.of("telemetry:b", "telemetry:a"), new From.Resume(cursor));

        assertThat(started.snapshot()).isEmpty();
        History.Replay replay = history.replays.getFirst();
        assertThat(replay.log()).isEqualTo(Log.TELEMETRY);
        assertThat(replay.channels()).containsExactly("telemetry:b", "telemetry:a");
        // Partition 0 (device a) is not in the cursor: it starts where the live stream is.
        assertThat(replay.from()).isEqualTo(Map.of(1, 7L, 0, 10L));
        assertThat(replay.stillWanted()).isTrue();
        assertThat(started.start()).isEqualTo(Cursor.of(Log.TELEMETRY, Map.of(0, 10L, 1, 7L)));
        assertThat(hub.subscriberCount("telemetry:b")).isZero(); // the replay joins later
    }

    @Test
    void aLogTheCursorDoesNotNameStartsWithASnapshot() throws Exception {
        Session s = open();

        Subscriptions.Started started =
                subscriptions.subscribe(
                        s, List.of("devices"), new From.Resume(Cursor.of(Log.TELEMETRY, 1, 7)));

        assertThat(started.snapshot()).hasSize(1);
        assertThat(history.replays).isEmpty();
    }

    @Test
    void aCursorFromInsideASnapshotStartsOverWithASnapshot() throws Exception {
        Session s = open();
        Cursor pending = Cursor.of(Log.DEVICE_STATE, new long[] {3, 3}).withSnapshotPending();

        Subscriptions.Started started =
                subscriptions.subscribe(s, List.of("devices"), new From.Resume(pending));

        assertThat(started.snapshot()).hasSize(1);
        assertThat(history.replays).isEmpty();
    }

    @Test
    void sinceReplaysFromThePositionsOfThatTime() throws Exception {
        Session s = open();

        subscriptions.subscribe(s, List.of("telemetry:a"), new From.Since(5_000));

        assertThat(history.replays.getFirst().from()).isEqualTo(Map.of(0, 5L));
    }

    @Test
    void aBusyHistoryRefusesAndLeavesNothingSubscribed() throws Exception {
        Session s = open();
        history.full = true;

        assertThatThrownBy(() ->
                        subscriptions.subscribe(
                                s,
                                List.of("devices", "telemetry:a"),
                                new From.Resume(Cursor.of(Log.TELEMETRY, 0, 1))))
                .isInstanceOf(HistoryException.class);
        assertThatThrownBy(() ->
                        subscriptions.subscribe(s, List.of("telemetry:a"), new From.Since(-1)))
                .isInstanceOf(HistoryException.class);

        assertThat(s.channels()).isEmpty();
        assertThat(hub.subscriberCount("devices")).isZero();
        assertThat(meters.subscriptions()).isZero();
    }

    @Test
    void subscribingAgainReplacesTheSubscriptionAndStopsItsReplay() throws Exception {
        Session s = open();
        subscriptions.subscribe(
                s, List.of("telemetry:a"), new From.Resume(Cursor.of(Log.TELEMETRY, 0, 1)));
        History.Replay first = history.replays.getFirst();

        subscriptions.subscribe(s, List.of("telemetry:a"), new From.Live(false));

        assertThat(first.stillWanted()).isFalse();
        assertThat(hub.subscriberCount("telemetry:a")).isEqualTo(1);
        assertThat(meters.subscriptions()).isEqualTo(1);
        registry.release(s);
        assertThat(hub.subscriberCount("telemetry:a")).isZero();
        assertThat(meters.subscriptions()).isZero();
    }
}
