package io.sonde.push.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class HubTest {
    private final Hub hub = new Hub();

    private static PushEvent event(String channel, int n) {
        return new PushEvent(channel, "device", "id-" + n, Integer.toString(n));
    }

    @Test
    void everySubscriberOfAChannelGetsEveryEventInPublishOrder() {
        List<RecordingSubscriber> subscribers = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            RecordingSubscriber s = new RecordingSubscriber();
            hub.subscribe("devices", s);
            subscribers.add(s);
        }
        IntStream.range(0, 50).forEach(n -> hub.publish(event("devices", n)));

        List<String> expected = IntStream.range(0, 50).mapToObj(Integer::toString).toList();
        assertThat(subscribers).allSatisfy(s -> assertThat(s.data()).isEqualTo(expected));
    }

    @Test
    void subscribersOnlySeeTheirChannels() {
        RecordingSubscriber one = new RecordingSubscriber();
        RecordingSubscriber two = new RecordingSubscriber();
        hub.subscribe("telemetry:a", one);
        hub.subscribe("telemetry:b", two);

        hub.publish(event("telemetry:a", 1));
        hub.publish(event("telemetry:b", 2));
        hub.publish(event("telemetry:c", 3));

        assertThat(one.data()).containsExactly("1");
        assertThat(two.data()).containsExactly("2");
    }

    @Test
    void orderIsKeptPerChannelUnderConcurrentPublishers() throws Exception {
        RecordingSubscriber both = new RecordingSubscriber();
        hub.subscribe("telemetry:a", both);
        hub.subscribe("telemetry:b", both);
        int count = 20_000;
        CompletableFuture<Void> a =
                CompletableFuture.runAsync(() -> publishRange("telemetry:a", count));
        CompletableFuture<Void> b =
                CompletableFuture.runAsync(() -> publishRange("telemetry:b", count));
        CompletableFuture.allOf(a, b).get(60, TimeUnit.SECONDS);

        List<String> expected = IntStream.range(0, count).mapToObj(Integer::toString).toList();
        assertThat(dataOf(both, "telemetry:a")).isEqualTo(expected);
        assertThat(dataOf(both, "telemetry:b")).isEqualTo(expected);
    }

    @Test
    void snapshotHoldsTheRetainedEventsAndLiveEventsFollowWithoutGapOrDuplicate() throws Exception {
        int count = 50_000;
        CompletableFuture<Void> publisher =
                CompletableFuture.runAsync(() -> {
                    for (int n = 0; n < count; n++) {
                        hub.publishRetained(event("telemetry:d", n), "latest");
                    }
                });
        // Subscribe while the publisher runs: the snapshot and the live events must join up.
        RecordingSubscriber late = new RecordingSubscriber();
        while (hub.retained("telemetry:d").isEmpty()) {
            Thread.onSpinWait();
        }
        List<PushEvent> snapshot = hub.subscribeWithSnapshot("telemetry:d", late);
        publisher.get(60, TimeUnit.SECONDS);

        assertThat(snapshot).hasSize(1);
        int first = Integer.parseInt(snapshot.get(0).data());
        List<String> expected =
                IntStream.range(first + 1, count).mapToObj(Integer::toString).toList();
        assertThat(late.data()).isEqualTo(expected);
    }

    @Test
    void snapshotHasOneEventPerKeySortedByKey() {
        hub.publishRetained(new PushEvent("devices", "device", "1", "b-old"), "b");
        hub.publishRetained(new PushEvent("devices", "device", "2", "a"), "a");
        hub.publishRetained(new PushEvent("devices", "device", "3", "b-new"), "b");

        List<PushEvent> snapshot = hub.subscribeWithSnapshot("devices", new RecordingSubscriber());

        assertThat(snapshot).extracting(PushEvent::data).containsExactly("a", "b-new");
        assertThat(hub.retained("devices", "b")).map(PushEvent::id).contains("3");
    }

    @Test
    void forgetRemovesARetainedEvent() {
        hub.publishRetained(new PushEvent("devices", "device", "1", "a"), "a");
        hub.forget("devices", "a");

        assertThat(hub.retained("devices")).isEmpty();
        assertThat(hub.retained("devices", "a")).isEmpty();
    }

    @Test
    void unsubscribedSubscribersGetNothingMore() {
        RecordingSubscriber s = new RecordingSubscriber();
        hub.subscribe("devices", s);
        hub.publish(event("devices", 1));
        hub.unsubscribe("devices", s);
        hub.publish(event("devices", 2));

        assertThat(s.data()).containsExactly("1");
        assertThat(hub.subscriberCount("devices")).isZero();
    }

    @Test
    void aSubscriberThatRefusesIsDroppedAndOthersContinue() {
        RecordingSubscriber refusing = new RecordingSubscriber();
        RecordingSubscriber fine = new RecordingSubscriber();
        hub.subscribe("devices", refusing);
        hub.subscribe("devices", fine);
        refusing.refuse();

        hub.publish(event("devices", 1));
        hub.publish(event("devices", 2));

        assertThat(fine.data()).containsExactly("1", "2");
        assertThat(hub.subscriberCount("devices")).isEqualTo(1);
    }

    @Test
    void channelsComeBackAfterTheirLastSubscriberLeft() {
        RecordingSubscriber first = new RecordingSubscriber();
        hub.subscribe("telemetry:x", first);
        hub.unsubscribe("telemetry:x", first);
        RecordingSubscriber second = new RecordingSubscriber();
        hub.subscribe("telemetry:x", second);
        hub.publish(event("telemetry:x", 7));

        assertThat(second.data()).containsExactly("7");
        assertThat(first.data()).isEmpty();
    }

    private void publishRange(String channel, int count) {
        for (int n = 0; n < count; n++) {
            hub.publish(event(channel, n));
        }
    }

    private static List<String> dataOf(RecordingSubscriber s, String channel) {
        return s.events().stream()
                .filter(e -> e.channel().equals(channel))
                .map(PushEvent::data)
                .toList();
    }
}
