package io.sonde.cli.chaos;

import io.sonde.cli.cluster.ClusterLayout;
import io.sonde.cli.cluster.Member;
import io.sonde.stream.config.StreamConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * How the cluster comes back, as its clients notice it: after a kill, how long until every client
 * of the victim's kind is served again; at the end of the run, whether push sessions, device
 * connections and the stream processors' lag on {@code sonde.telemetry} are back where they were
 * before it. Reads the members' metrics and the processors' committed offsets; one thread.
 */
final class ClusterRecovery implements AutoCloseable {
    // How often a condition is read again: each read asks the brokers or the members' metrics.
    private static final long POLL_MS = 200;

    private final ClusterLayout layout;
    private final String telemetry;
    private final Admin admin;
    private double sessions;
    private double connections;
    private String normal = "not read";

    ClusterRecovery(ClusterLayout layout, String telemetryTopic) {
        this.layout = layout;
        this.telemetry = telemetryTopic;
        this.admin =
                Admin.create(
                        Map.of(
                                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                layout.bootstrapServers(),
                                AdminClientConfig.CLIENT_ID_CONFIG,
                                "sonde-chaos-recovery"));
    }

    /** Notes the sessions and connections the cluster holds before the run's clients come. */
    void baseline() {
        sessions = sum(Member.Kind.PUSH, "sonde_push_sessions");
        connections = sum(Member.Kind.INGEST, "sonde_ingest_connections");
    }

    /** The read-committed end of each partition of the telemetry topic, now. */
    Map<TopicPartition, Long> ends() {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < partitions(); p++) {
            latest.put(new TopicPartition(telemetry, p), OffsetSpec.latest());
        }
        Map<TopicPartition, Long> out = new HashMap<>();
        get(admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all())
                .forEach((tp, r) -> out.put(tp, r.offset()));
        return out;
    }

    /**
     * Waits until the clients a kill of {@code kind} at {@code killedAt} (nanoTime) cut off are
     * served again: every device acked (a gateway or a broker), every viewer sent an event (a push
     * gateway), or every reading written before the kill processed (a processor: its committed
     * offsets reach {@code endsAtKill}). Empty when that took longer than {@code limit}.
     */
    Optional<Duration> awaitBack(
            Member.Kind kind,
            long killedAt,
            Map<TopicPartition, Long> endsAtKill,
            List<ChaosDevice> devices,
            List<ChaosViewer> viewers,
            Duration limit)
            throws InterruptedException {
        BooleanSupplier back =
                switch (kind) {
                    case INGEST, BROKER ->
                            () -> devices.stream().allMatch(d -> d.lastAck() > killedAt);
                    case PUSH -> () -> viewers.stream().allMatch(v -> v.lastEvent() > killedAt);
                    case PROCESSOR -> () -> caughtUp(endsAtKill);
                    case NGINX -> () -> true;
                };
        if (!await(back, killedAt + limit.toNanos())) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofNanos(System.nanoTime() - killedAt));
    }

    /**
     * Waits up to {@code limit} for push sessions and device connections back at the baseline (the
     * run's clients have gone) and the processors caught up with the telemetry topic; what is still
     * not normal then.
     */
    List<String> awaitNormal(Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        await(() -> sum(Member.Kind.PUSH, "sonde_push_sessions") == sessions, deadline);
        await(() -> sum(Member.Kind.INGEST, "sonde_ingest_connections") == connections, deadline);
        await(() -> caughtUp(ends()), deadline);
        List<String> out = new ArrayList<>();
        double s = sum(Member.Kind.PUSH, "sonde_push_sessions");
        if (s != sessions) {
            out.add("push sessions " + s + " after the run, " + sessions + " before it");
        }
        double c = sum(Member.Kind.INGEST, "sonde_ingest_connections");
        if (c != connections) {
            out.add("device connections " + c + " after the run, " + connections + " before it");
        }
        long lag = behind(ends());
        if (lag > 0) {
            out.add("the stream processors are " + lag + " records behind " + telemetry);
        }
        normal =
                String.format(
                        "push sessions %.0f (%.0f before the run), device connections %.0f (%.0f"
                                + " before), processor lag %d records",
                        s, sessions, c, connections, lag);
        return out;
    }

    /** What {@link #awaitNormal} read last, for the run's summary. */
    String normal() {
        return normal;
    }

    // Whether the processors have committed every record below `ends`; not while a broker
    // that the answer needs is still being replaced.
    private boolean caughtUp(Map<TopicPartition, Long> ends) {
        try {
            return behind(ends) == 0;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    // Records of the telemetry topic below `ends` that the processors have not committed.
    private long behind(Map<TopicPartition, Long> ends) {
        Map<TopicPartition, OffsetAndMetadata> committed =
                get(
                        admin.listConsumerGroupOffsets(StreamConfig.DEFAULT_APPLICATION_ID)
                                .partitionsToOffsetAndMetadata());
        long behind = 0;
        for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
            OffsetAndMetadata at = committed.get(e.getKey());
            behind += Math.max(0, e.getValue() - (at == null ? 0 : at.offset()));
        }
        return behind;
    }

    // A gauge summed over every instance of `kind`; NaN when one does not answer.
    private double sum(Member.Kind kind, String metric) {
        double total = 0;
        for (Member m : layout.members(kind)) {
            double v = ClusterMetrics.sum(m.port(), metric);
            if (v < 0) {
                return Double.NaN;
            }
            total += v;
        }
        return total;
    }

    private int partitions() {
        return get(admin.describeTopics(List.of(telemetry)).allTopicNames())
                .get(telemetry)
                .partitions()
                .size();
    }

    private static boolean await(BooleanSupplier condition, long deadline)
            throws InterruptedException {
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(POLL_MS);
        }
        return true;
    }

    private static <T> T get(org.apache.kafka.common.KafkaFuture<T> future) {
        try {
            return future.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the cluster did not answer: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
