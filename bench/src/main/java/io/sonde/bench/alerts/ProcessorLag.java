package io.sonde.bench.alerts;

import io.sonde.bench.TopicAdmin;
import io.sonde.stack.LocalStack;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;

/**
 * The stream processor's consumer lag on the telemetry topic, as an operator reads it: end offsets
 * minus the group's committed offsets, sampled every {@link #EVERY}. Committed offsets move once
 * per commit, so the lag never reads below one commit interval's worth of readings.
 *
 * <p>Threading: one daemon thread samples; the getters are safe from any thread.
 */
final class ProcessorLag implements AutoCloseable {
    static final Duration EVERY = Duration.ofMillis(250);

    private final Admin admin;
    private final String group;
    private final String topic;
    private final AtomicLong max = new AtomicLong();
    private final AtomicLong samples = new AtomicLong();
    private final ScheduledExecutorService sampler =
            Executors.newSingleThreadScheduledExecutor(
                    r -> Thread.ofPlatform().daemon().name("bench-lag").unstarted(r));

    ProcessorLag(LocalStack stack, String group) {
        this.admin = Admin.create(stack.kafka().adminProperties("sonde-bench-lag"));
        this.group = group;
        this.topic = stack.kafka().topics().telemetry().name();
        sampler.scheduleAtFixedRate(this::sample, 0, EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void sample() {
        long end = TopicAdmin.endOffsetSum(admin, topic);
        long committed = TopicAdmin.committedSum(admin, group, topic);
        max.accumulateAndGet(end - committed, Math::max);
        samples.incrementAndGet();
    }

    /** The largest lag (readings) since the last reset, and starts over. */
    long takeMax() {
        return max.getAndSet(0);
    }

    long samples() {
        return samples.get();
    }

    @Override
    public void close() throws InterruptedException {
        sampler.shutdownNow();
        sampler.awaitTermination(10, TimeUnit.SECONDS);
        admin.close();
    }
}
