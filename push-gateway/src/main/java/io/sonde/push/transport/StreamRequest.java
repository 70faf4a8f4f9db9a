package io.sonde.push.transport;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.sonde.platform.config.DurationText;
import io.sonde.platform.http.ApiException;
import io.sonde.push.hub.Channels;
import io.sonde.push.hub.Cursor;
import io.sonde.push.session.Subscriptions.From;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What a client asks of an SSE stream or a poll: the channels, in the order given and without
 * repeats, and where to start (docs/streams.md). A cursor wins over {@code since} and {@code
 * snapshot}: a browser's EventSource reconnects to the same URL, {@code since} included, and adds
 * {@code Last-Event-ID}. {@code alerts:D} channels are dropped when {@code alerts} is asked for
 * too: they carry nothing it does not, and one cursor must not count an alert twice.
 *
 * @param channels channel names, validated
 * @param from where the stream starts
 */
record StreamRequest(List<String> channels, From from) {
    static final String CHANNEL_PARAM = "channel";
    static final String SNAPSHOT_PARAM = "snapshot";
    static final String SINCE_PARAM = "since";

    StreamRequest {
        channels = List.copyOf(channels);
    }

    /**
     * @param cursorParam the query parameter that carries a cursor ({@code lastEventId} for SSE,
     *     {@code cursor} for poll)
     * @param cursorHeader a header that carries one ({@code Last-Event-ID}), if any
     * @param onMalformedCursor told when the cursor is not one of ours (a metric)
     * @throws ApiException 400 naming what is wrong
     */
    static StreamRequest parse(
            ServerRequest req,
            int maxChannels,
            String cursorParam,
            Optional<String> cursorHeader,
            Clock clock,
            Runnable onMalformedCursor)
            throws ApiException {
        List<String> channels = channels(req.query().all(CHANNEL_PARAM, List::of), maxChannels);
        Optional<String> cursor =
                cursorHeader
                        .flatMap(h -> req.headers().first(HeaderNames.create(h)))
                        .or(() -> req.query().first(cursorParam).asOptional())
                        .filter(c -> !c.isEmpty());
        if (cursor.isPresent()) {
            Optional<Cursor> parsed = Cursor.parse(cursor.get());
            if (parsed.isEmpty()) {
                onMalformedCursor.run();
            }
            return new StreamRequest(channels, new From.Resume(cursor(cursor.get())));
        }
        Optional<String> since = req.query().first(SINCE_PARAM).asOptional();
        if (since.isPresent()) {
            return new StreamRequest(channels, new From.Since(since(since.get(), clock)));
        }
        return new StreamRequest(channels, new From.Live(snapshot(req)));
    }

    /** Validates channel names; also used for WebSocket subscribe ops. */
    static List<String> channels(List<String> asked, int maxChannels) throws ApiException {
        if (asked.isEmpty()) {
            throw ApiException.badRequest(
                    "at least one channel parameter is required, e.g. ?channel=devices");
        }
        LinkedHashSet<String> channels = new LinkedHashSet<>(asked);
        if (channels.size() > maxChannels) {
            throw ApiException.badRequest(
                    "too many channels: at most " + maxChannels + " per stream");
        }
        for (String channel : channels) {
            Optional<String> problem = Channels.problem(channel);
            if (problem.isPresent()) {
                throw ApiException.badRequest(problem.get());
            }
        }
        if (channels.contains(Channels.ALERTS)) {
            channels.removeIf(c -> c.startsWith(Channels.ALERTS_PREFIX));
        }
        return List.copyOf(channels);
    }

    /**
     * @throws ApiException 400 when {@code text} is not a cursor of this service
     */
    static Cursor cursor(String text) throws ApiException {
        return Cursor.parse(text)
                .orElseThrow(() ->
                        ApiException.badRequest(
                                "malformed cursor: not an event id of this service"));
    }

    /** {@code since=10m} (a duration back from now) or {@code since=EPOCH_MS}. */
    static long since(String text, Clock clock) throws ApiException {
        String t = text.trim();
        if (!t.isEmpty() && t.chars().allMatch(Character::isDigit)) {
            try {
                return Long.parseLong(t);
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("since: '" + text + "' is too large");
            }
        }
        try {
            Duration back = DurationText.parse(t);
            return clock.millis() - back.toMillis();
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw ApiException.badRequest(
                    "since must be a duration such as 10m or 2h, or epoch milliseconds: '"
                            + text
                            + "'");
        }
    }

    static boolean snapshot(ServerRequest req) throws ApiException {
        String value = req.query().first(SNAPSHOT_PARAM).orElse("true").toLowerCase(Locale.ROOT);
        return switch (value) {
            case "true", "" -> true;
            case "false" -> false;
            default -> throw ApiException.badRequest("snapshot must be true or false");
        };
    }
}
