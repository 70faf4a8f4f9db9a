package io.sonde.push.hub;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A subscriber that keeps everything it is offered. */
final class RecordingSubscriber implements Subscriber {
    private final List<PushEvent> events = new CopyOnWriteArrayList<>();
    private volatile boolean accepting = true;

    @Override
    public boolean offer(PushEvent event) {
        if (!accepting) {
            return false;
        }
        events.add(event);
        return true;
    }

    List<PushEvent> events() {
        return List.copyOf(events);
    }

    List<String> data() {
        return events.stream().map(PushEvent::data).toList();
    }

    void refuse() {
        accepting = false;
    }
}
