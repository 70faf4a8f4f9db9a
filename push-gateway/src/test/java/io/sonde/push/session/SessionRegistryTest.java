package io.sonde.push.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sonde.push.hub.Hub;
import io.sonde.push.hub.PushEvent;
import org.junit.jupiter.api.Test;

class SessionRegistryTest {
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final Hub hub = new Hub();
    private final SessionRegistry registry = new SessionRegistry(hub, 8, meters);

    private double gauge() {
        return meters.get(SessionRegistry.SESSIONS_METRIC).gauge().value();
    }

    @Test
    void theGaugeCountsOpenSessionsAndReturnsToZero() {
        Session a = registry.open("sse");
        Session b = registry.open("sse");
        assertThat(gauge()).isEqualTo(2.0);

        registry.release(a);
        registry.release(b);
        registry.release(b);

        assertThat(gauge()).isZero();
        assertThat(registry.count()).isZero();
        assertThat(
                        meters.counter(SessionRegistry.DISCONNECTS_METRIC, "reason", "client_gone")
                                .count())
                .isEqualTo(2.0);
    }

    @Test
    void releaseUnsubscribesFromEveryChannel() {
        Session session = registry.open("sse");
        session.subscribe(hub, "devices", true);
        session.subscribe(hub, "telemetry:d", false);

        registry.release(session);
        hub.publish(new PushEvent("devices", "device", "1", "{}"));

        assertThat(hub.subscriberCount("devices")).isZero();
        assertThat(hub.subscriberCount("telemetry:d")).isZero();
    }

    @Test
    void shutdownClosesOpenSessionsAndTheOnesOpenedAfter() {
        Session before = registry.open("sse");
        registry.shutdown();
        Session after = registry.open("sse");

        assertThat(before.closeReason()).map(CloseReason::code).contains(CloseReason.SHUTDOWN);
        assertThat(after.closeReason()).map(CloseReason::code).contains(CloseReason.SHUTDOWN);
    }
}
