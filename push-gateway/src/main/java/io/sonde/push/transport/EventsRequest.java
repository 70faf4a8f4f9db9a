package io.sonde.push.transport;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.sonde.platform.http.ApiException;
import io.sonde.push.hub.Channels;
import io.sonde.push.hub.Cursor;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What a client asks of {@code GET /v1/events}: the channels, in the order given and without
 * repeats, and whether to start with a snapshot.
 *
 * <p>Resuming is not honoured yet: a well-formed {@code Last-Event-ID} or {@code lastEventId} is
 * accepted and the stream starts with a snapshot as if none was given; a malformed one is a 400, as
 * docs/streams.md says. {@code since} is refused with a 400 until replay exists.
 *
 * @param channels channel names, validated
 * @param snapshot whether to send the channels' current state first
 */
record EventsRequest(List<String> channels, boolean snapshot) {
    static final String CHANNEL_PARAM = "channel";
    static final String SNAPSHOT_PARAM = "snapshot";
    static final String CURSOR_PARAM = "lastEventId";
    static final String SINCE_PARAM = "since";
    static final String LAST_EVENT_ID = "Last-Event-ID";

    EventsRequest {
        channels = List.copyOf(channels);
    }

    /**
     * @throws ApiException 400 naming what is wrong
     */
    static EventsRequest parse(ServerRequest req, int maxChannels) throws ApiException {
        List<String> asked = req.query().all(CHANNEL_PARAM, List::of);
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
        if (req.query().contains(SINCE_PARAM)) {
            throw ApiException.badRequest("since is not supported yet by this gateway");
        }
        checkCursor(req);
        return new EventsRequest(List.copyOf(channels), snapshot(req));
    }

    private static boolean snapshot(ServerRequest req) throws ApiException {
        String value = req.query().first(SNAPSHOT_PARAM).orElse("true").toLowerCase(Locale.ROOT);
        return switch (value) {
            case "true", "" -> true;
            case "false" -> false;
            default -> throw ApiException.badRequest("snapshot must be true or false");
        };
    }

    private static void checkCursor(ServerRequest req) throws ApiException {
        Optional<String> cursor =
                req.headers()
                        .first(HeaderNames.create(LAST_EVENT_ID))
                        .or(() -> req.query().first(CURSOR_PARAM).asOptional());
        if (cursor.isPresent() && Cursor.parse(cursor.get()).isEmpty()) {
            throw ApiException.badRequest("malformed cursor: not an event id of this service");
        }
    }
}
