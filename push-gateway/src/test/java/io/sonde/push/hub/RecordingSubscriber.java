package io.sonde.push.hub;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A subscriber that keeps every event offered to it. */
final class RecordingSubscriber implements Subscriber {
    final List<PushEvent> events = new CopyOnWriteArrayList<>();

    @Override
    public boolean offer(PushEvent event) {
        events.add(event);
        return true;
    }

    List<String> data() {
        return events.stream().map(PushEvent::data).toList();
    }

    List<String> data(String channel) {
        return events.stream()
                .filter(e -> e.channel().equals(channel))
                .map(PushEvent::data)
                .toList();
    }
}
