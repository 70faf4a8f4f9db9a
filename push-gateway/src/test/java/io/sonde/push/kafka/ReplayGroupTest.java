package io.sonde.push.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sonde.platform.kafka.KafkaConfig;
import io.sonde.proto.v1.Alert;
import io.sonde.proto.v1.AlertState;
import io.sonde.proto.v1.TelemetryRecord;
import io.sonde.push.hub.Cursor;
import io.sonde.push.hub.Hub;
import io.sonde.push.hub.Log;
import io.sonde.push.hub.PushEvent;
import io.sonde.push.session.History;
import io.sonde.push.session.History.Replay;
import io.sonde.push.session.Session;
import io.sonde.push.session.SessionRegistry;
import io.sonde.push.session.SubscriptionMeters;
import io.sonde.push.session.Subscriptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class ReplayGroupTest {
    private static final KafkaConfig KAFKA = KafkaConfig.of("127.0.0.1:1", "t.");
    private static final LogSource<TelemetryRecord> TELEMETRY =
            new LogSource<>(Log.TELEMETRY, KAFKA.topics().telemetry(), RecordEvents::telemetry);
    private static final LogSource<Alert> ALERTS =
            new LogSource<>(Log.ALERTS, KAFKA.topics().alerts(), RecordEvents::alert);
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final Hub hub = new Hub((d, n) -> 0);
    private final List<Replay> requeued = new ArrayList<>();
    private final ReplayGroup.Outcomes outcomes =
            new ReplayGroup.Outcomes() {
                @Override
                public void joined(ReplayGroup.Reading reading) {}

                @Override
                public void requeue(Replay rest) {
                    requeued.add(rest);
                }
            };

    @Test
    void eachReplayGetsItsOwnDevicesRecordsFromItsOwnStartOnly() throws Exception {
        Session a = session(100);
        Session b = session(100);
        ReplayGroup group = only(reading(a, "telemetry:a", 0), reading(b, "telemetry:b", 2));
        assertThat(group.start()).isEqualTo(Map.of(0, 0L));

        for (int offset = 0; offset < 6; offset++) {
            group.dispatch(
                    telemetry(offset % 2 == 0 ? "a" : "b", offset), TELEMETRY, WAIT, outcomes);
        }

        assertThat(offsets(a)).containsExactly(0L, 2L, 4L);
        assertThat(offsets(b)).containsExactly(3L, 5L); // offset 1 lies before b's start
        assertThat(requeued).isEmpty();
    }

    @Test
    void aClientWithoutRoomIsHandedBackAtTheRecordItDidNotGetAndGetsNothingMore() throws Exception {
        Session slow = session(2);
        Session fast = session(100);
        ReplayGroup group = only(reading(slow, "telemetry:a", 0), reading(fast, "telemetry:a", 0));

        for (int offset = 0; offset < 5; offset++) {
            group.dispatch(telemetry("a", offset), TELEMETRY, WAIT, outcomes);
        }

        List<PushEvent> slowEvents = drain(slow);
        List<PushEvent> fastEvents = drain(fast);
        assertThat(slowEvents).extracting(PushEvent::offset).containsExactly(0L, 1L);
        assertThat(fastEvents).extracting(PushEvent::offset).containsExactly(0L, 1L, 2L, 3L, 4L);
        // Replays of one device share each event: the transports build its frame once.
        assertThat(slowEvents.get(0)).isSameAs(fastEvents.get(0));
        assertThat(requeued)
                .singleElement()
                .satisfies(r -> {
                    assertThat(r.session()).isSameAs(slow);
                    assertThat(r.from()).isEqualTo(Map.of(0, 2L));
                    assertThat(r.channels()).containsExactly("telemetry:a");
                });
        assertThat(group.size()).isEqualTo(1);
    }

    @Test
    void aReplayAloneWaitsForRoomAndIsClosedAsSlowWhenNoneComes() throws Exception {
        Session slow = session(1);
        ReplayGroup group = only(reading(slow, "telemetry:a", 0));

        group.dispatch(telemetry("a", 0), TELEMETRY, Duration.ofMillis(50), outcomes);
        group.dispatch(telemetry("a", 1), TELEMETRY, Duration.ofMillis(50), outcomes);

        assertThat(requeued).isEmpty();
        assertThat(slow.closeReason())
                .hasValueSatisfying(r -> assertThat(r.code()).isEqualTo("slow"));
        assertThat(group.isEmpty()).isTrue();
    }

    @Test
    void aReplayOfAFleetAndADeviceChannelGetsEachEventOnceAndFleetCursorsOfAllItRead()
            throws Exception {
        Session s = session(100);
        ReplayGroup.Reading r =
                new ReplayGroup.Reading(
                        replay(s, Log.ALERTS, List.of("alerts", "alerts:a"), Map.of(0, 0L, 1, 5L)),
                        Map.of(0, 0L, 1, 5L),
                        false,
                        0);
        ReplayGroup group = ReplayGroup.of(Log.ALERTS, List.of(r)).get(0);

        group.dispatch(alert("a", 0, 3), ALERTS, WAIT, outcomes);
        group.dispatch(alert("b", 1, 7), ALERTS, WAIT, outcomes);

        List<PushEvent> events = drain(s);
        assertThat(events)
                .extracting(PushEvent::channel)
                .containsExactly("alerts", "alerts:a", "alerts");
        // A fleet event's cursor names every partition as read up to and including it.
        assertThat(events.get(2).cursor()).isEqualTo(Cursor.of(Log.ALERTS, Map.of(0, 4L, 1, 8L)));
    }

    @Test
    void afterAPollEveryReplayHasReadUpToTheConsumersPositionButNeverBelowItsStart() {
        ReplayGroup.Reading low = reading(session(10), "telemetry:a", 3);
        ReplayGroup.Reading high = reading(session(10), "telemetry:b", 40);
        ReplayGroup group = only(low, high);

        group.advance(Map.of(0, 20L));

        assertThat(low.read).isEqualTo(Map.of(0, 20L));
        assertThat(high.read).isEqualTo(Map.of(0, 40L));
    }

    @Test
    void replaysFarApartAreReadInSeparateGroupsSoAnOldCursorHoldsNobodyBack() {
        long far = ReplayGroup.MAX_SPREAD + 1;
        List<ReplayGroup> groups =
                ReplayGroup.of(
                        Log.TELEMETRY,
                        List.of(
                                reading(session(10), "telemetry:a", 0),
                                reading(session(10), "telemetry:b", far),
                                reading(session(10), "telemetry:c", ReplayGroup.MAX_SPREAD),
                                reading(session(10), "telemetry:d", far + 5)));

        assertThat(groups).extracting(ReplayGroup::size).containsExactly(2, 2);
        assertThat(groups.get(0).start()).isEqualTo(Map.of(0, 0L));
        assertThat(groups.get(1).start()).isEqualTo(Map.of(0, far));
    }

    private ReplayGroup only(ReplayGroup.Reading... readings) {
        List<ReplayGroup> groups = ReplayGroup.of(Log.TELEMETRY, List.of(readings));
        assertThat(groups).hasSize(1);
        return groups.get(0);
    }

    private Session session(int capacity) {
        // A registry per session: each registers its gauges once.
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        Subscriptions subscriptions =
                new Subscriptions(hub, new NoHistory(), new SubscriptionMeters(meters));
        try {
            return new SessionRegistry(subscriptions, capacity, 10, meters).open("sse", "owner");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static ReplayGroup.Reading reading(Session session, String channel, long from) {
        return new ReplayGroup.Reading(
                replay(session, Log.TELEMETRY, List.of(channel), Map.of(0, from)),
                Map.of(0, from),
                false,
                0);
    }

    private static Replay replay(
            Session session, Log log, List<String> channels, Map<Integer, Long> from) {
        Map<String, Long> generations = new HashMap<>();
        channels.forEach(c -> generations.put(c, 1L));
        return new Replay(session, log, channels, from, generations);
    }

    private static ConsumerRecord<byte[], byte[]> telemetry(String device, long offset) {
        TelemetryRecord value =
                TelemetryRecord.newBuilder().setDeviceId(device).setSeq(offset).build();
        return new ConsumerRecord<>(
                "t.telemetry",
                0,
                offset,
                device.getBytes(StandardCharsets.UTF_8),
                value.toByteArray());
    }

    private static ConsumerRecord<byte[], byte[]> alert(String device, int partition, long offset) {
        Alert value =
                Alert.newBuilder()
                        .setId("x-" + offset)
                        .setDeviceId(device)
                        .setState(AlertState.ACTIVE)
                        .build();
        return new ConsumerRecord<>(
                "t.alerts",
                partition,
                offset,
                device.getBytes(StandardCharsets.UTF_8),
                value.toByteArray());
    }

    private static List<Long> offsets(Session session) throws InterruptedException {
        return drain(session).stream().map(PushEvent::offset).toList();
    }

    private static List<PushEvent> drain(Session session) throws InterruptedException {
        List<PushEvent> events = new ArrayList<>();
        session.drain(events, 1000, Duration.ZERO);
        return events;
    }

    /** History is not used: the group under test is the reader's side. */
    private static final class NoHistory implements History {
        @Override
        public boolean replay(Replay replay) {
            return false;
        }

        @Override
        public Map<Integer, Long> positionsAt(Log log, Set<Integer> partitions, long at) {
            return Map.of();
        }
    }
}
