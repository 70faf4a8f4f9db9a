package io.sonde.bench.fanout;

/**
 * Publishes messages to one server's subscribers. Threading: {@link #publish} is called by the open
 * loop's single thread and must not block.
 */
interface Publisher extends AutoCloseable {
    /** Publishes message {@code seq}, whose payload carries {@code intendedNanos}. */
    void publish(long seq, long intendedNanos);

    /** Publishes that failed (counted, not thrown). */
    long failed();

    @Override
    void close();
}
