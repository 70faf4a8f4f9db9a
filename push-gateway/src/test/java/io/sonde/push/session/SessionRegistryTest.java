package io.sonde.push.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sonde.push.hub.Hub;
import io.sonde.push.hub.Log;
import io.sonde.push.session.Subscriptions.From;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SessionRegistryTest {
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final Hub hub = new Hub((d, n) -> 0);
    private final Subscriptions subscriptions =
            new Subscriptions(hub, new Fakes.RecordingHistory(), new SubscriptionMeters(meters));
    private final SessionRegistry registry = new SessionRegistry(subscriptions, 8, 2, meters);

    @BeforeEach
    void begin() {
        for (Log log : Log.values()) {
            hub.begin(log, new long[1]);
        }
    }

    private double gauge(String transport) {
        return meters.get(SessionRegistry.SESSIONS_METRIC)
                .tag("transport", transport)
                .gauge()
                .value();
    }

    @Test
    void theGaugeCountsOpenSessionsByTransportAndReturnsToZero() throws Exception {
        Session a = registry.open("sse", "x");
        Session b = registry.open("ws", "y");
        assertThat(gauge("sse")).isEqualTo(1.0);
        assertThat(gauge("ws")).isEqualTo(1.0);
        assertThat(gauge("poll")).isZero();

        registry.release(a);
        registry.release(b);
        registry.release(b);

        assertThat(gauge("sse")).isZero();
        assertThat(gauge("ws")).isZero();
        assertThat(registry.count()).isZero();
        assertThat(
                        meters.counter(SessionRegistry.DISCONNECTS_METRIC, "reason", "client_gone")
                                .count())
                .isEqualTo(2.0);
    }

    @Test
    void aTokenHoldsAtMostItsLimitAndGetsItBackOnRelease() throws Exception {
        Session one = registry.open("sse", "viewer@1");
        registry.open("poll", "viewer@1");

        assertThatThrownBy(() -> registry.open("ws", "viewer@1"))
                .isInstanceOf(TooManySessionsException.class)
                .hasMessageContaining("2 open streams");
        registry.open("ws", "other@1");
        registry.release(one);
        registry.release(one);
        registry.open("ws", "viewer@1");
        assertThatThrownBy(() -> registry.open("ws", "viewer@1"))
                .isInstanceOf(TooManySessionsException.class);
    }

    @Test
    void releaseUnsubscribesFromEveryChannel() throws Exception {
        Session session = registry.open("sse", "x");
        subscriptions.subscribe(session, List.of("devices", "telemetry:d"), new From.Live(true));

        registry.release(session);

        assertThat(hub.subscriberCount("devices")).isZero();
        assertThat(hub.subscriberCount("telemetry:d")).isZero();
    }

    @Test
    void shutdownClosesOpenSessionsAndTheOnesOpenedAfter() throws Exception {
        Session before = registry.open("sse", "x");
        registry.shutdown();
        Session after = registry.open("sse", "y");

        assertThat(before.closeReason()).map(CloseReason::code).contains(CloseReason.SHUTDOWN);
        assertThat(after.closeReason()).map(CloseReason::code).contains(CloseReason.SHUTDOWN);
    }

    @Test
    void deliveriesAndQueueDepthsAreCounted() throws Exception {
        Session s = registry.open("ws", "x");

        registry.delivered(s, 5, 7);

        assertThat(meters.counter(SessionRegistry.DELIVERIES_METRIC, "transport", "ws").count())
                .isEqualTo(5.0);
        assertThat(meters.get(SessionRegistry.QUEUE_DEPTH_METRIC).summary().max()).isEqualTo(7.0);
    }
}
