package io.sonde.testing;

/**
 * Stops and restarts the test JVM's broker, for tests of what a service does while Kafka is away.
 * Only the in-process broker can be stopped; with an external cluster a test asking for this is
 * skipped. A test that stops the broker must start it again before it ends (use try/finally): other
 * test classes of the same JVM share it. The restarted broker keeps its port and data.
 */
public interface BrokerControl {
    /** Stops the broker and waits until its port is released. */
    void stop();

    /** Starts it again on the same port and data; returns once it answers requests. */
    void start();
}
