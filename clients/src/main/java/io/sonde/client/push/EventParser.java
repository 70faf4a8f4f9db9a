package io.sonde.client.push;

import java.time.Duration;
import java.util.Optional;

/**
 * The WHATWG event-stream interpretation, one line at a time: {@code field: value} lines build an
 * event, a blank line dispatches it (when it has data), {@code :} lines are comments. Unknown
 * fields are ignored, as the standard says. Not thread-safe: one per stream.
 */
final class EventParser {
    private final SseClient.Listener listener;
    private final StringBuilder data = new StringBuilder();
    private Optional<String> id = Optional.empty();
    private String event = "";
    private boolean hasData;

    EventParser(SseClient.Listener listener) {
        this.listener = listener;
    }

    void line(String line) {
        if (line.isEmpty()) {
            dispatch();
            return;
        }
        if (line.charAt(0) == ':') {
            listener.comment(line.substring(1).stripLeading());
            return;
        }
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (field) {
            case "data" -> {
                if (hasData) {
                    data.append('\n');
                }
                data.append(value);
                hasData = true;
            }
            case "event" -> event = value;
            case "id" -> id = Optional.of(value);
            case "retry" -> retry(value);
            default -> {
                // Ignored, as the standard requires.
            }
        }
    }

    private void retry(String value) {
        if (!value.isEmpty() && value.chars().allMatch(Character::isDigit)) {
            listener.retry(Duration.ofMillis(Long.parseLong(value)));
        }
    }

    private void dispatch() {
        if (hasData) {
            listener.event(
                    new SseClient.Event(
                            id,
                            event.isEmpty() ? "message" : event,
                            data.toString(),
                            System.nanoTime()));
        }
        data.setLength(0);
        hasData = false;
        event = "";
        id = Optional.empty();
    }
}
