package io.sonde.push.session;

import static io.sonde.push.session.Fakes.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.sonde.push.hub.PushEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SessionTest {
    private final AtomicReference<CloseReason> closedWith = new AtomicReference<>();

    private Session session(int capacity) {
        return new Session(1, "sse", "owner", capacity, closedWith::set);
    }

    @Test
    void overflowClosesTheSessionAsSlowAndDropsWhatItHeld() throws Exception {
        Session session = session(3);

        assertThat(session.offer(event(1))).isTrue();
        assertThat(session.offer(event(2))).isTrue();
        assertThat(session.offer(event(3))).isTrue();
        assertThat(session.offer(event(4))).isFalse();

        assertThat(closedWith.get().code()).isEqualTo(CloseReason.SLOW);
        assertThat(closedWith.get().message()).contains("3 events");
        assertThat(session.queued()).isZero();
        assertThat(session.drain(new ArrayList<>(), 10, Duration.ofSeconds(30))).isZero();
        assertThat(session.offer(event(5))).isFalse();
    }

    @Test
    void aDrainTakesTheWholeBurstUpToItsLimitInOrder() throws Exception {
        Session session = session(100);
        for (int i = 0; i < 10; i++) {
            session.offer(event(i));
        }
        List<PushEvent> batch = new ArrayList<>();

        assertThat(session.drain(batch, 4, Duration.ZERO)).isEqualTo(4);
        assertThat(session.drain(batch, 100, Duration.ZERO)).isEqualTo(6);
        assertThat(batch)
                .extracting(PushEvent::offset)
                .containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
        assertThat(session.drain(batch, 100, Duration.ofMillis(1))).isZero();
        assertThat(session.isClosed()).isFalse();
    }

    @Test
    void aWaitingWriterWakesForTheFirstEventAndForAClose() throws Exception {
        Session session = session(10);
        CompletableFuture<Integer> drained =
                CompletableFuture.supplyAsync(() -> drainOrFail(session, Duration.ofSeconds(30)));
        session.offer(event(7));
        assertThat(drained.get(30, TimeUnit.SECONDS)).isEqualTo(1);

        CompletableFuture<Integer> waiting =
                CompletableFuture.supplyAsync(() -> drainOrFail(session, Duration.ofSeconds(30)));
        session.close(CloseReason.shutdown());
        assertThat(waiting.get(30, TimeUnit.SECONDS)).isZero();
        assertThat(session.closeReason()).contains(CloseReason.shutdown());
    }

    @Test
    void aTakeWaitsWithoutTimeoutUntilAnEventAWakeOrAClose() throws Exception {
        Session session = session(10);
        CompletableFuture<Integer> first = CompletableFuture.supplyAsync(() -> takeOrFail(session));
        session.offer(event(1));
        session.offer(event(2));
        assertThat(first.get(30, TimeUnit.SECONDS)).isBetween(1, 2);
        if (session.queued() > 0) {
            assertThat(takeOrFail(session)).isEqualTo(1);
        }

        CompletableFuture<Integer> woken = CompletableFuture.supplyAsync(() -> takeOrFail(session));
        session.wake();
        assertThat(woken.get(30, TimeUnit.SECONDS)).isZero();
        assertThat(session.isClosed()).isFalse();

        CompletableFuture<Integer> closed =
                CompletableFuture.supplyAsync(() -> takeOrFail(session));
        session.close(CloseReason.shutdown());
        assertThat(closed.get(30, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void aWakeBeforeTheTakeIsNotLostAndEventsQueuedWithItComeFirst() throws Exception {
        Session session = session(10);
        session.wake();
        assertThat(takeOrFail(session)).isZero();

        session.wake();
        session.offer(event(3));
        List<PushEvent> batch = new ArrayList<>();
        assertThat(session.take(batch, 10)).isEqualTo(1);
        assertThat(batch).extracting(PushEvent::offset).containsExactly(3L);
        // The wake was used up by that take: the next one waits for a new event.
        CompletableFuture<Integer> next = CompletableFuture.supplyAsync(() -> takeOrFail(session));
        session.offer(event(4));
        assertThat(next.get(30, TimeUnit.SECONDS)).isEqualTo(1);
    }

    @Test
    void theDepthIsWhatWasQueuedWhenTheWriterTookNotWhatItTook() throws Exception {
        Session session = session(10);
        for (int i = 0; i < 7; i++) {
            session.offer(event(i));
        }
        assertThat(session.take(new ArrayList<>(), 3)).isEqualTo(3);
        assertThat(session.depthAtLastTake()).isEqualTo(7);
        assertThat(session.drain(new ArrayList<>(), 10, Duration.ZERO)).isEqualTo(4);
        assertThat(session.depthAtLastTake()).isEqualTo(4);
    }

    @Test
    void aReplayWaitsForRoomInsteadOfOverflowing() throws Exception {
        Session session = session(2);
        CompletableFuture<Boolean> replay =
                CompletableFuture.supplyAsync(() -> {
                    try {
                        for (int i = 0; i < 10; i++) {
                            if (!session.offerReplay(event(i), Duration.ofSeconds(30))) {
                                return false;
                            }
                        }
                        return true;
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                });
        List<PushEvent> received = new ArrayList<>();
        while (received.size() < 10) {
            session.drain(received, 1, Duration.ofSeconds(30));
        }

        assertThat(replay.get(30, TimeUnit.SECONDS)).isTrue();
        assertThat(received)
                .extracting(PushEvent::offset)
                .containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
        assertThat(session.isClosed()).isFalse();
    }

    @Test
    void aReplayThatWaitsTooLongClosesTheClientAsSlow() throws Exception {
        Session session = session(1);
        session.offer(event(0));

        assertThat(session.offerReplay(event(1), Duration.ofMillis(20))).isFalse();
        assertThat(closedWith.get().code()).isEqualTo(CloseReason.SLOW);
    }

    @Test
    void theFirstCloseReasonWinsAndIsReportedOnce() {
        Session session = session(1);
        List<CloseReason> reasons = new ArrayList<>();
        Session counted = new Session(2, "ws", "o", 1, reasons::add);

        counted.close(CloseReason.slow(1));
        counted.close(CloseReason.shutdown());
        session.close(CloseReason.clientGone());

        assertThat(reasons).extracting(CloseReason::code).containsExactly(CloseReason.SLOW);
        assertThat(counted.closeReason()).map(CloseReason::code).contains(CloseReason.SLOW);
    }

    @Test
    void generationsTellAReplacedSubscriptionFromTheCurrentOne() {
        Session session = session(1);
        long first = session.track("alerts");
        long second = session.track("alerts");

        assertThat(session.current("alerts", first)).isFalse();
        assertThat(session.current("alerts", second)).isTrue();
        assertThat(session.untrack("alerts")).isTrue();
        assertThat(session.current("alerts", second)).isFalse();
        assertThat(session.untrack("alerts")).isFalse();
    }

    private static int takeOrFail(Session session) {
        try {
            return session.take(new ArrayList<>(), 10);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int drainOrFail(Session session, Duration wait) {
        try {
            return session.drain(new ArrayList<>(), 10, wait);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
