package io.sonde.bench.streams;

import io.sonde.bench.BenchException;
import io.sonde.bench.MetricsScrape;
import io.sonde.bench.TopicAdmin;
import io.sonde.platform.service.Service;
import io.sonde.stack.LocalStack;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;

/**
 * One timed run of the stream processor over a pre-filled telemetry topic: a new application id (so
 * a new group reading from the earliest offset and empty state), timed until its committed offsets
 * on the telemetry topic reach the end. With exactly_once_v2 an input offset is committed
 * atomically with the outputs of processing it, so "committed" means "processed".
 *
 * @param startNanos when start() was called
 * @param runningNanos when Streams first reported RUNNING (group formed, tasks assigned)
 * @param doneNanos when the committed offsets first covered every record
 * @param recordsSent records the processor's producer sent (outputs and changelogs) by then
 * @param threads the run's stream threads
 * @param threadCpuNanos CPU time they used from RUNNING to done
 */
record StreamsRun(
        long records,
        long startNanos,
        long runningNanos,
        long doneNanos,
        double recordsSent,
        int threads,
        long threadCpuNanos) {
    // The Streams producer's own count, bound by KafkaStreamsMetrics: outputs and changelogs.
    private static final String SENT = "kafka_producer_record_send_total";
    private static final Duration POLL = Duration.ofMillis(50);

    /** Readings per second from RUNNING to done: start-up and group join excluded. */
    double processingRate() {
        return records / ((doneNanos - runningNanos) / 1e9);
    }

    /** Records written (outputs and changelog records) per reading read. */
    double writtenPerRead() {
        return recordsSent / records;
    }

    /** Stream-thread CPU time per reading, in microseconds. */
    double threadCpuMicrosPerReading() {
        return threadCpuNanos / 1e3 / records;
    }

    /** The stream threads' CPU time over the wall time from RUNNING to done (1 = one core). */
    double threadCpuShare() {
        return (double) threadCpuNanos / (doneNanos - runningNanos);
    }

    /** Readings per second from start() to done. */
    double totalRate() {
        return records / ((doneNanos - startNanos) / 1e9);
    }

    static StreamsRun time(LocalStack stack, String applicationId, long records, Duration timeout) {
        String topic = stack.kafka().topics().telemetry().name();
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        long running = 0;
        long cpuAtRunning = 0;
        try (Admin admin = Admin.create(stack.kafka().adminProperties("sonde-bench-streams"));
                Service processor = stack.startStreamProcessor(applicationId)) {
            while (System.nanoTime() < deadline) {
                long now = System.nanoTime();
                if (running == 0 && processor.readiness().up()) {
                    running = now;
                    cpuAtRunning = StreamThreadCpu.of(applicationId).cpuNanos();
                }
                if (!processor.liveness().up()) {
                    throw new BenchException(
                            "stream processor failed: " + processor.liveness().problems());
                }
                if (TopicAdmin.committedSum(admin, applicationId, topic) >= records) {
                    StreamThreadCpu.Sample cpu = StreamThreadCpu.of(applicationId);
                    double sent =
                            new MetricsScrape(
                                            URI.create(
                                                    "http://127.0.0.1:"
                                                            + processor.port()
                                                            + "/observe/metrics"))
                                    .value(SENT);
                    return new StreamsRun(
                            records,
                            start,
                            running == 0 ? start : running,
                            now,
                            sent,
                            cpu.threads(),
                            cpu.cpuNanos() - cpuAtRunning);
                }
                LockSupport.parkNanos(POLL.toNanos());
            }
        }
        throw new BenchException(
                "stream processor did not process " + records + " readings in " + timeout);
    }
}
