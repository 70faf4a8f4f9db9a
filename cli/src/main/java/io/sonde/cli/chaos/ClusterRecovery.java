package io.sonde.cli.chaos;

import io.sonde.cli.cluster.ClusterLayout;
import io.sonde.cli.cluster.Member;
import io.sonde.platform.kafka.KafkaConfig;
import io.sonde.stream.config.StreamConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;

/**
 * How the cluster comes back, as its clients notice it: after a kill, how long until every client
 * of the victim's kind is served again; at the end of the run, whether push sessions and device
 * connections are back to at most what they were before it (none leaked) and the stream processors
 * have committed everything in {@code sonde.telemetry} (lag 0). Reads the members' metrics and the
 * processors' committed offsets. Used by one thread at a time (the run's, or the one timing a kill
 * while the run waits for it).
 */
final class ClusterRecovery implements AutoCloseable {
    // How often a condition is read again: each read asks the brokers or the members' metrics.
    private static final long POLL_MS = 200;
    // After a processor's kill: long enough for every device (one reading per 200 ms) to write a
    // record the victim can never have committed.
    private static final long WRITTEN_AFTER_KILL_MS = 600;

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
                        KafkaConfig.of(layout.bootstrapServers(), "")
                                .adminProperties("sonde-chaos-recovery"));
    }

    /**
     * Notes the sessions and connections the cluster holds before the run's clients come; throws
     * when a gateway's metrics do not answer within 30 s (the end check would be meaningless).
     */
    void baseline() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        await(
                () ->
                        !Double.isNaN(sum(Member.Kind.PUSH, "sonde_push_sessions"))
                                && !Double.isNaN(
                                        sum(Member.Kind.INGEST, "sonde_ingest_connections")),
                deadline);
        sessions = sum(Member.Kind.PUSH, "sonde_push_sessions");
        connections = sum(Member.Kind.INGEST, "sonde_ingest_connections");
        if (Double.isNaN(sessions) || Double.isNaN(connections)) {
            throw new IOException("a gateway's /observe/metrics does not answer");
        }
    }

    /**
     * Waits until the clients a kill of {@code kind} at {@code killedAt} (nanoTime) cut off are
     * served again: every device acked (a gateway or a broker), every viewer sent an event (a push
     * gateway), or every reading written after the victim died processed (a processor: the group's
     * committed offsets reach the topic's end as it was shortly after the kill, records only
     * another instance can have processed). Empty when that took longer than {@code limit}.
     */
    Optional<Duration> awaitBack(
            Member.Kind kind,
            long killedAt,
            List<ChaosDevice> devices,
            List<ChaosViewer> viewers,
            Duration limit)
            throws InterruptedException {
        BooleanSupplier back =
                switch (kind) {
                    case INGEST, BROKER ->
                            () -> devices.stream().allMatch(d -> d.lastAck() > killedAt);
                    case PUSH -> () -> viewers.stream().allMatch(v -> v.lastEvent() > killedAt);
                    case PROCESSOR -> processedAfter(killedAt);
                    case NGINX -> () -> true;
                };
        if (!await(back, killedAt + limit.toNanos())) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofNanos(System.nanoTime() - killedAt));
    }

    /**
     * Waits up to {@code limit} for push sessions and device connections back at (or below) the
     * baseline (the run's clients have gone) and the processors caught up with the telemetry topic;
     * what is still not normal then.
     */
    List<String> awaitNormal(Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        await(() -> sum(Member.Kind.PUSH, "sonde_push_sessions") <= sessions, deadline);
        await(() -> sum(Member.Kind.INGEST, "sonde_ingest_connections") <= connections, deadline);
        await(() -> lag().orElse(1) == 0, deadline);
        List<String> out = new ArrayList<>();
        double s = sum(Member.Kind.PUSH, "sonde_push_sessions");
        if (!(s <= sessions)) {
            out.add("push sessions " + s + " after the run, " + sessions + " before it");
        }
        double c = sum(Member.Kind.INGEST, "sonde_ingest_connections");
        if (!(c <= connections)) {
            out.add("device connections " + c + " after the run, " + connections + " before it");
        }
        OptionalLong lag = lag();
        if (lag.isEmpty()) {
            out.add("the stream processors' lag on " + telemetry + " could not be read");
        } else if (lag.getAsLong() > 0) {
            out.add(
                    "the stream processors are "
                            + lag.getAsLong()
                            + " records behind "
                            + telemetry);
        }
        normal =
                String.format(
                        "push sessions %.0f (%.0f before the run), device connections %.0f (%.0f"
                                + " before), processor lag %s records",
                        s,
                        sessions,
                        c,
                        connections,
                        lag.isPresent() ? Long.toString(lag.getAsLong()) : "unreadable");
        return out;
    }

    /** What {@link #awaitNormal} read last, for the run's summary. */
    String normal() {
        return normal;
    }

    // The condition for a processor's kill: reads the topic's end once the victim is surely dead
    // and the devices have written after it, then asks whether the group has committed it all.
    private BooleanSupplier processedAfter(long killedAt) {
        Map<TopicPartition, Long> target = new HashMap<>();
        return () -> {
            if (System.nanoTime() - killedAt < WRITTEN_AFTER_KILL_MS * 1_000_000) {
                return false;
            }
            try {
                if (target.isEmpty()) {
                    target.putAll(ends());
                }
                return behind(target) == 0;
            } catch (IllegalStateException e) {
                return false; // a broker the answer needs is still being replaced
            }
        };
    }

    // Records of the telemetry topic not committed by the processors; empty when unreadable.
    private OptionalLong lag() {
        try {
            return OptionalLong.of(behind(ends()));
        } catch (IllegalStateException e) {
            return OptionalLong.empty();
        }
    }

    // The read-committed end of each partition of the telemetry topic, now.
    private Map<TopicPartition, Long> ends() {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < partitions(); p++) {
            latest.put(new TopicPartition(telemetry, p), OffsetSpec.latest());
        }
        Map<TopicPartition, Long> out = new HashMap<>();
        get(admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all())
                .forEach((tp, r) -> out.put(tp, r.offset()));
        return out;
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
            // Each read asks the brokers or the members' metrics: not more often than this.
            Thread.sleep(POLL_MS);
        }
        return true;
    }

    private static <T> T get(KafkaFuture<T> future) {
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
