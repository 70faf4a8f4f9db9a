package io.sonde.push.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HubTest {
    // Device "a" on partition 0, "b" on 1: a partitioner the test can read.
    private final Hub hub = new Hub((device, n) -> device.equals("b") ? 1 : 0);

    @BeforeEach
    void begin() {
        for (Log log : Log.values()) {
            hub.begin(log, new long[] {0, 0});
        }
    }

    private void telemetry(String device, int partition, long offset, String data) {
        hub.publish(
                Log.TELEMETRY,
                partition,
                offset,
                List.of(Emit.retained(Channels.telemetry(device), "telemetry", data, "latest")));
    }

    private void device(int partition, long offset, String device, String data) {
        hub.publish(
                Log.DEVICE_STATE,
                partition,
                offset,
                List.of(Emit.retained(Channels.DEVICES, "device", data, device)));
    }

    private Join.Joined live(String channel, Subscriber s, boolean snapshot) {
        return (Join.Joined)
                hub.join(
                        Channels.log(channel), List.of(channel), s, Map.of(), snapshot, () -> true);
    }

    @Test
    void everySubscriberOfAChannelGetsEveryEventInPublishOrder() {
        List<RecordingSubscriber> subscribers = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            RecordingSubscriber s = new RecordingSubscriber();
            live("devices", s, false);
            subscribers.add(s);
        }
        IntStream.range(0, 50).forEach(n -> device(n % 2, n / 2, "d" + n, Integer.toString(n)));

        List<String> expected = IntStream.range(0, 50).mapToObj(Integer::toString).toList();
        assertThat(subscribers).allSatisfy(s -> assertThat(s.data()).isEqualTo(expected));
    }

    @Test
    void subscribersOnlySeeTheirChannels() {
        RecordingSubscriber one = new RecordingSubscriber();
        RecordingSubscriber two = new RecordingSubscriber();
        live("telemetry:a", one, false);
        live("telemetry:b", two, false);

        telemetry("a", 0, 0, "1");
        telemetry("b", 1, 0, "2");
        telemetry("c", 0, 1, "3");

        assertThat(one.data()).containsExactly("1");
        assertThat(two.data()).containsExactly("2");
    }

    @Test
    void aDeviceEventNamesItsPartitionAndAFleetEventTheWholeLog() {
        RecordingSubscriber s = new RecordingSubscriber();
        live("telemetry:b", s, false);
        live("devices", s, false);

        telemetry("b", 1, 41, "t");
        device(0, 7, "x", "d0");
        device(1, 3, "y", "d1");

        assertThat(s.events.get(0).cursor()).isEqualTo(Cursor.of(Log.TELEMETRY, 1, 42));
        assertThat(s.events.get(1).cursor())
                .isEqualTo(Cursor.of(Log.DEVICE_STATE, new long[] {8, 0}));
        assertThat(s.events.get(2).cursor())
                .isEqualTo(Cursor.of(Log.DEVICE_STATE, new long[] {8, 4}));
        assertThat(s.events.get(2).id()).isEqualTo(s.events.get(2).cursor().encode());
    }

    @Test
    void aLiveJoinStartsWhereTheLiveStreamIsAndTheSnapshotCarriesThatPosition() {
        device(0, 0, "b", "b-old");
        device(1, 0, "a", "a");
        device(0, 1, "b", "b-new");

        Join.Joined joined = live("devices", new RecordingSubscriber(), true);

        assertThat(joined.start()).isEqualTo(Cursor.of(Log.DEVICE_STATE, new long[] {2, 1}));
        assertThat(joined.snapshot()).extracting(PushEvent::data).containsExactly("a", "b-new");
        assertThat(joined.snapshot())
                .allSatisfy(e -> assertThat(e.cursor()).isEqualTo(joined.start()));
    }

    @Test
    void theLiveStreamStartsWhereItsPublisherBegan() {
        hub.begin(Log.AGGREGATES, new long[] {500, 70});

        assertThat(live("aggregates:b", new RecordingSubscriber(), false).start())
                .isEqualTo(Cursor.of(Log.AGGREGATES, 1, 70));
    }

    @Test
    void aReplayBehindTheLiveStreamIsToldHowFarToReadAndIsNotSubscribed() {
        telemetry("a", 0, 9, "x");
        RecordingSubscriber s = new RecordingSubscriber();

        Join join =
                hub.join(
                        Log.TELEMETRY, List.of("telemetry:a"), s, Map.of(0, 5L), false, () -> true);

        assertThat(join).isEqualTo(new Join.Behind(Map.of(0, 10L)));
        telemetry("a", 0, 10, "y");
        assertThat(s.events).isEmpty();
    }

    @Test
    void aReplayAheadOfTheLiveStreamJoinsAndLiveEventsItAlreadyDeliveredAreHeldBack() {
        telemetry("a", 0, 0, "0");
        RecordingSubscriber s = new RecordingSubscriber();

        Join join =
                hub.join(
                        Log.TELEMETRY, List.of("telemetry:a"), s, Map.of(0, 3L), false, () -> true);
        telemetry("a", 0, 1, "1");
        telemetry("a", 0, 2, "2");
        telemetry("a", 0, 3, "3");

        assertThat(join).isInstanceOf(Join.Joined.class);
        assertThat(((Join.Joined) join).start()).isEqualTo(Cursor.of(Log.TELEMETRY, 0, 3));
        assertThat(s.data()).containsExactly("3");
    }

    @Test
    void aJoinNoLongerWantedChangesNothing() {
        RecordingSubscriber s = new RecordingSubscriber();

        Join join =
                hub.join(Log.TELEMETRY, List.of("telemetry:a"), s, Map.of(), false, () -> false);
        telemetry("a", 0, 0, "0");

        assertThat(join).isInstanceOf(Join.Abandoned.class);
        assertThat(s.events).isEmpty();
        assertThat(hub.subscriberCount("telemetry:a")).isZero();
    }

    @Test
    void snapshotThenLiveEventsHaveNoGapAndNoDuplicateUnderAConcurrentPublisher() throws Exception {
        int count = 50_000;
        CompletableFuture<Void> publisher =
                CompletableFuture.runAsync(() ->
                        IntStream.range(0, count)
                                .forEach(n -> telemetry("d", 0, n, Integer.toString(n))));
        while (hub.retained("telemetry:d").isEmpty()) {
            Thread.onSpinWait();
        }
        RecordingSubscriber late = new RecordingSubscriber();
        Join.Joined joined = live("telemetry:d", late, true);
        publisher.get(60, TimeUnit.SECONDS);

        int first = Integer.parseInt(joined.snapshot().get(0).data());
        assertThat(joined.start()).isEqualTo(Cursor.of(Log.TELEMETRY, 0, first + 1));
        List<String> expected =
                IntStream.range(first + 1, count).mapToObj(Integer::toString).toList();
        assertThat(late.data()).isEqualTo(expected);
    }

    @Test
    void orderIsKeptPerChannelUnderConcurrentPublishersOfTwoLogs() throws Exception {
        RecordingSubscriber both = new RecordingSubscriber();
        live("telemetry:a", both, false);
        live("devices", both, false);
        int count = 20_000;
        CompletableFuture<Void> a =
                CompletableFuture.runAsync(() ->
                        IntStream.range(0, count)
                                .forEach(n -> telemetry("a", 0, n, Integer.toString(n))));
        CompletableFuture<Void> b =
                CompletableFuture.runAsync(() ->
                        IntStream.range(0, count)
                                .forEach(n -> device(0, n, "x", Integer.toString(n))));
        CompletableFuture.allOf(a, b).get(60, TimeUnit.SECONDS);

        List<String> expected = IntStream.range(0, count).mapToObj(Integer::toString).toList();
        assertThat(both.data("telemetry:a")).isEqualTo(expected);
        assertThat(both.data("devices")).isEqualTo(expected);
    }

    @Test
    void aClearedAlertLeavesTheSnapshotAndATombstoneForgetsADevice() {
        String json = "{}";
        hub.publish(Log.ALERTS, 0, 0, List.of(Emit.retained("alerts", "alert", json, "al-1")));
        hub.publish(Log.ALERTS, 0, 1, List.of(Emit.retained("alerts", "alert", json, "al-2")));
        hub.publish(Log.ALERTS, 0, 2, List.of(Emit.dropping("alerts", "alert", json, "al-1")));
        device(0, 0, "gone", "{}");
        hub.publish(Log.DEVICE_STATE, 0, 1, List.of(Emit.forget("devices", "gone")));

        assertThat(hub.retained("alerts")).hasSize(1);
        assertThat(hub.retained("alerts", "al-2")).isPresent();
        assertThat(hub.retained("devices")).isEmpty();
        assertThat(live("devices", new RecordingSubscriber(), false).start())
                .isEqualTo(Cursor.of(Log.DEVICE_STATE, new long[] {2, 0}));
    }

    @Test
    void aSubscriberThatRefusesIsDroppedAndUnsubscribeIsHarmlessTwice() {
        live("telemetry:a", e -> false, false);
        RecordingSubscriber s = new RecordingSubscriber();
        live("telemetry:a", s, false);
        assertThat(hub.subscriberCount("telemetry:a")).isEqualTo(2);

        telemetry("a", 0, 0, "x");
        hub.unsubscribe("telemetry:a", s);
        hub.unsubscribe("telemetry:a", s);

        assertThat(hub.subscriberCount("telemetry:a")).isZero();
        assertThat(s.data()).containsExactly("x");
    }

    @Test
    void channelsOfAnotherLogOrAnUnreadLogAreRefused() {
        assertThatThrownBy(() ->
                        hub.join(
                                Log.TELEMETRY,
                                List.of("devices"),
                                e -> true,
                                Map.of(),
                                false,
                                () -> true))
                .isInstanceOf(IllegalArgumentException.class);
        Hub fresh = new Hub((d, n) -> 0);
        assertThatThrownBy(() -> fresh.partitionsOf("devices"))
                .isInstanceOf(IllegalStateException.class);
    }
}
