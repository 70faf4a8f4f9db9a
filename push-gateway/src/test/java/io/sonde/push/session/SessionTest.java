package io.sonde.push.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sonde.push.hub.Hub;
import io.sonde.push.hub.PushEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SessionTest {
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final Hub hub = new Hub();

    private static PushEvent event(int n) {
        return new PushEvent("devices", "device", "id-" + n, Integer.toString(n));
    }

    @Test
    void overflowClosesTheSessionAsSlowAndDropsWhatItHeld() throws Exception {
        Session session = new SessionRegistry(hub, 3, meters).open("test");

        assertThat(session.offer(event(1))).isTrue();
        assertThat(session.offer(event(2))).isTrue();
        assertThat(session.offer(event(3))).isTrue();
        assertThat(session.offer(event(4))).isFalse();

        assertThat(session.closeReason()).map(CloseReason::code).contains(CloseReason.SLOW);
        assertThat(session.closeReason().orElseThrow().message()).contains("3 events");
        assertThat(session.queued()).isZero();
        assertThat(session.next(Duration.ofSeconds(30))).isEmpty();
        assertThat(session.offer(event(5))).isFalse();
    }

    @Test
    void aSlowSubscriberIsClosedAloneWhileOthersGetEverythingInOrder() throws Exception {
        SessionRegistry registry = new SessionRegistry(hub, 4, meters);
        Session slow = registry.open("test");
        Session fast = registry.open("test");
        slow.subscribe(hub, "devices", false);
        fast.subscribe(hub, "devices", false);

        List<String> received = new ArrayList<>();
        for (int n = 0; n < 100; n++) {
            hub.publish(event(n));
            received.add(fast.next(Duration.ofSeconds(30)).orElseThrow().data());
        }

        assertThat(received).containsExactlyElementsOf(range(100));
        assertThat(slow.closeReason()).map(CloseReason::code).contains(CloseReason.SLOW);
        assertThat(fast.closeReason()).isEmpty();
        assertThat(hub.subscriberCount("devices")).isEqualTo(1);
        assertThat(meters.counter(SessionRegistry.DISCONNECTS_METRIC, "reason", "slow").count())
                .isEqualTo(1.0);
    }

    @Test
    void publishingNeverWaitsForAFullSession() throws Exception {
        SessionRegistry registry = new SessionRegistry(hub, 1, meters);
        Session stuck = registry.open("test");
        stuck.subscribe(hub, "devices", false);

        // Nobody reads `stuck`: 10,000 publishes must still complete at once.
        CompletableFuture<Void> publishing =
                CompletableFuture.runAsync(() -> {
                    for (int n = 0; n < 10_000; n++) {
                        hub.publish(event(n));
                    }
                });
        publishing.get(30, TimeUnit.SECONDS);

        assertThat(stuck.closeReason()).map(CloseReason::code).contains(CloseReason.SLOW);
    }

    @Test
    void nextReturnsAnEventOfferedWhileItWaits() throws Exception {
        Session session = new SessionRegistry(hub, 8, meters).open("test");
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            var waiting = executor.submit(() -> session.next(Duration.ofSeconds(30)));
            session.offer(event(42));
            assertThat(waiting.get(30, TimeUnit.SECONDS)).map(PushEvent::data).contains("42");
        }
    }

    @Test
    void nextReturnsEmptyWhenTheWaitRunsOutAndTheSessionIsOpen() throws Exception {
        Session session = new SessionRegistry(hub, 8, meters).open("test");

        assertThat(session.next(Duration.ofMillis(20))).isEmpty();
        assertThat(session.closeReason()).isEmpty();
    }

    @Test
    void closingWakesAWaitingWriter() throws Exception {
        Session session = new SessionRegistry(hub, 8, meters).open("test");
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            var waiting = executor.submit(() -> session.next(Duration.ofMinutes(10)));
            session.close(CloseReason.shutdown());
            Optional<PushEvent> result = waiting.get(30, TimeUnit.SECONDS);
            assertThat(result).isEmpty();
        }
        assertThat(session.closeReason()).map(CloseReason::code).contains(CloseReason.SHUTDOWN);
    }

    @Test
    void snapshotIsReturnedToTheWriterNotQueued() {
        hub.publishRetained(event(1), "dev-1");
        Session session = new SessionRegistry(hub, 1, meters).open("test");

        List<PushEvent> snapshot = session.subscribe(hub, "devices", true);

        assertThat(snapshot).extracting(PushEvent::data).containsExactly("1");
        assertThat(session.queued()).isZero();
        assertThat(session.subscribe(hub, "telemetry:x", false)).isEmpty();
        assertThat(session.channels()).containsExactlyInAnyOrder("devices", "telemetry:x");
    }

    private static List<String> range(int n) {
        List<String> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(Integer.toString(i));
        }
        return list;
    }
}
