package io.sonde.ingest.protocol;

import io.sonde.ingest.config.IngestConfig;
import io.sonde.ingest.kafka.RecordEncoder;
import io.sonde.ingest.kafka.TelemetryWriter;
import io.sonde.ingest.kafka.WriteFailure;
import io.sonde.proto.v1.TelemetryBatch;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/** What WebSocket and HTTP ingest share: validate, rate-limit, then write a batch. Thread-safe. */
public final class BatchIntake {
    private static final System.Logger LOG = System.getLogger(BatchIntake.class.getName());
    private static final long KAFKA_RETRY_AFTER_MS = 1_000;

    private final BatchValidator validator;
    private final RateLimiter rateLimiter;
    private final TelemetryWriter writer;
    private final IngestMetrics metrics;
    private final long evictEveryNanos;
    private final AtomicLong nextEviction;
    private volatile boolean shuttingDown;

    public BatchIntake(IngestConfig config, TelemetryWriter writer, IngestMetrics metrics) {
        this.validator = new BatchValidator(config);
        this.rateLimiter = new RateLimiter(config);
        this.writer = writer;
        this.metrics = metrics;
        this.evictEveryNanos = config.idleTimeout().toNanos();
        this.nextEviction = new AtomicLong(System.nanoTime() + evictEveryNanos);
    }

    /**
     * The one way in for a batch, WebSocket and HTTP alike: checks it, then writes it. {@code wire}
     * holds each reading's wire bytes ({@link RecordEncoder#wireReadings}).
     *
     * @return completes with empty once the batch is durable, or with why it was refused (at once
     *     when refused before writing); never exceptionally. It may complete on Kafka's I/O thread:
     *     continuations must not block
     */
    public CompletableFuture<Optional<Rejection>> submit(
            String deviceId, TelemetryBatch batch, List<byte[]> wire, int bytes) {
        long now = BatchValidator.nowNanos();
        Optional<Rejection> refused = admit(deviceId, batch, bytes, now);
        if (refused.isPresent()) {
            rejected(refused.get(), batch.getReadingsCount());
            return CompletableFuture.completedFuture(refused);
        }
        return write(deviceId, batch, wire, now);
    }

    // Checks a batch before writing it: limits first (a bad batch costs no budget), then the
    // device's rate budget. Empty when it may be written.
    private Optional<Rejection> admit(
            String deviceId, TelemetryBatch batch, int bytes, long nowNanos) {
        if (shuttingDown) {
            return Optional.of(
                    Rejection.unavailable("gateway is shutting down", KAFKA_RETRY_AFTER_MS));
        }
        evictIdleBuckets();
        Optional<String> problem = validator.firstProblem(batch, nowNanos);
        if (problem.isPresent()) {
            return Optional.of(Rejection.invalid(problem.get()));
        }
        return rateLimiter
                .tryAcquire(deviceId, batch.getReadingsCount(), bytes, nowNanos)
                .map(wait -> Rejection.exhausted("device rate limit exceeded", wait));
    }

    private CompletableFuture<Optional<Rejection>> write(
            String deviceId, TelemetryBatch batch, List<byte[]> wire, long nowNanos) {
        long start = System.nanoTime();
        return writer.write(deviceId, batch, wire, nowNanos)
                .handle((ok, error) -> {
                    if (error == null) {
                        metrics.accepted(batch.getReadingsCount(), start);
                        return Optional.empty();
                    }
                    Rejection r = failure(error);
                    metrics.rejected(r.code(), batch.getReadingsCount());
                    return Optional.of(r);
                });
    }

    /** Counts a batch the ack protocol refused before it reached {@link #submit}. */
    public void rejected(Rejection rejection, int readings) {
        metrics.rejected(rejection.code(), readings);
    }

    /** The meters, for the transports' own counts (bytes received, reply latency). */
    public IngestMetrics metrics() {
        return metrics;
    }

    public void resent() {
        metrics.resent();
    }

    /** From now on every batch is refused with UNAVAILABLE; what is in flight completes. */
    public void shutDown() {
        shuttingDown = true;
    }

    /**
     * Pushes out what the writer holds at once instead of waiting for the producer's linger, so
     * that owed acks go out before a close.
     */
    public void flush() {
        writer.flush();
    }

    boolean isShuttingDown() {
        return shuttingDown;
    }

    // Drops the buckets of devices quiet long enough to be full again, at most once per idle
    // timeout and by whichever caller gets there first, so the map follows the active fleet
    // without a timer of its own.
    private void evictIdleBuckets() {
        long now = System.nanoTime();
        long due = nextEviction.get();
        if (now >= due && nextEviction.compareAndSet(due, now + evictEveryNanos)) {
            rateLimiter.evictIdle(BatchValidator.nowNanos());
        }
    }

    private static Rejection failure(Throwable error) {
        WriteFailure failure = WriteFailure.of(error);
        return switch (failure.kind()) {
            // Resending cannot help: the topic takes smaller records (max.message.bytes).
            case TOO_LARGE ->
                    Rejection.invalid(
                            "readings: a reading is larger than the telemetry topic takes");
            case RETRIABLE ->
                    Rejection.unavailable(
                            "Kafka is not reachable: retry later", KAFKA_RETRY_AFTER_MS);
            case OTHER -> {
                LOG.log(Level.WARNING, "write to Kafka failed", failure.getCause());
                yield Rejection.unavailable(
                        "write to Kafka failed: " + failure.getCause().getClass().getSimpleName(),
                        KAFKA_RETRY_AFTER_MS);
            }
        };
    }
}
