package io.sonde.push.kafka;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.sonde.platform.kafka.KafkaConfig;
import io.sonde.push.hub.Hub;
import io.sonde.push.hub.Log;
import io.sonde.push.session.History;
import io.sonde.push.session.HistoryException;
import io.sonde.push.session.SubscriptionMeters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * The gateway's history (docs/streams.md, "Resuming"): a fixed number of {@link CatchUpReader}s,
 * each with its own consumer ({@code assign} and {@code seek}; never the live fan-out consumers),
 * serving replays from one bounded queue in arrival order.
 *
 * <p>Bounds: {@link CatchUpSettings#readers()} replays run at once, at most {@link
 * CatchUpSettings#maxWaiting()} wait, each reader reads at most {@link
 * CatchUpSettings#recordsPerSecond()}.
 */
public final class CatchUp implements History, AutoCloseable {
    /** Gauge: replays waiting for a reader. */
    public static final String WAITING_METRIC = "sonde.push.catchup.waiting";

    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(5);
    // What a read_committed reader can reach: never an offset inside an open transaction.
    private static final ListOffsetsOptions COMMITTED =
            new ListOffsetsOptions(IsolationLevel.READ_COMMITTED);

    private final Map<Log, LogSource<?>> sources;
    private final BlockingQueue<Replay> waiting;
    private final List<CatchUpReader> readers = new ArrayList<>();
    private final Admin admin;

    CatchUp(
            KafkaConfig kafka,
            Map<Log, LogSource<?>> sources,
            Hub hub,
            CatchUpSettings settings,
            SubscriptionMeters subscriptions,
            MeterRegistry meters) {
        this.sources = Map.copyOf(sources);
        this.waiting = new ArrayBlockingQueue<>(settings.maxWaiting());
        Gauge.builder(WAITING_METRIC, waiting, BlockingQueue::size)
                .description("Replays of history waiting for a catch-up reader")
                .register(meters);
        CatchUpReader.Meters readerMeters = new CatchUpReader.Meters(meters, subscriptions);
        for (int i = 0; i < settings.readers(); i++) {
            readers.add(
                    new CatchUpReader(
                            kafka, i, this.sources, hub, waiting, settings, readerMeters));
        }
        this.admin = Admin.create(kafka.adminProperties("sonde-push-history"));
    }

    void start() {
        readers.forEach(CatchUpReader::start);
    }

    @Override
    public boolean replay(Replay replay) {
        return waiting.offer(replay);
    }

    @Override
    public Map<Integer, Long> positionsAt(Log log, Set<Integer> partitions, long epochMillis)
            throws HistoryException {
        String topic = sources.get(log).topic().name();
        Map<TopicPartition, OffsetSpec> at = new HashMap<>();
        Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
        for (int p : partitions) {
            at.put(new TopicPartition(topic, p), OffsetSpec.forTimestamp(epochMillis));
            ends.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        try {
            Map<TopicPartition, ListOffsetsResultInfo> found =
                    admin.listOffsets(at, COMMITTED)
                            .all()
                            .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            Map<TopicPartition, ListOffsetsResultInfo> latest = null;
            Map<Integer, Long> out = new TreeMap<>();
            for (TopicPartition tp : at.keySet()) {
                long offset = found.get(tp).offset();
                if (offset < 0) {
                    // Nothing at or after that time: start at the end.
                    if (latest == null) {
                        latest =
                                admin.listOffsets(ends, COMMITTED)
                                        .all()
                                        .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                    }
                    offset = latest.get(tp).offset();
                }
                out.put(tp.partition(), offset);
            }
            return out;
        } catch (ExecutionException | TimeoutException e) {
            throw new HistoryException("Kafka did not answer where that time is in the log", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HistoryException("interrupted", e);
        }
    }

    @Override
    public void close() {
        readers.forEach(CatchUpReader::stop);
        readers.forEach(CatchUpReader::close);
        admin.close(ADMIN_TIMEOUT);
        // Replays still waiting: their clients resume elsewhere or later.
        waiting.clear();
    }
}
