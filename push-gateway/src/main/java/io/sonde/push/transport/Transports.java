package io.sonde.push.transport;

import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.websocket.WsConfig;
import io.helidon.webserver.websocket.WsRouting;
import io.sonde.platform.security.TokenVerifier;
import io.sonde.push.session.SessionRegistry;
import io.sonde.push.session.SubscriptionMeters;
import io.sonde.push.session.Subscriptions;
import java.time.Clock;

/**
 * The three transports of docs/streams.md on one hub: SSE {@code /v1/events}, WebSocket {@code
 * /v1/ws} and long-poll {@code /v1/poll}, with the write watchdog they share. Closing it stops the
 * watchdog; sessions are ended by the registry.
 */
public final class Transports implements AutoCloseable {
    /** Where the WebSocket is served. */
    public static final String WS_PATH = "/v1/ws";

    /** Longest op a viewer may send over the WebSocket. */
    static final int MAX_WS_MESSAGE = 64 * 1024;

    private final WriteWatchdog watchdog;
    private final EventsHttpService events;
    private final PollHttpService poll;
    private final WsContext ws;

    private Transports(
            WriteWatchdog watchdog, EventsHttpService events, PollHttpService poll, WsContext ws) {
        this.watchdog = watchdog;
        this.events = events;
        this.poll = poll;
        this.ws = ws;
    }

    public static Transports create(
            TokenVerifier verifier,
            Subscriptions subscriptions,
            SessionRegistry sessions,
            SubscriptionMeters meters,
            StreamSettings settings,
            Clock clock) {
        WriteWatchdog watchdog = new WriteWatchdog(settings.writeTimeout(), settings.heartbeat());
        StreamOpener opener =
                new StreamOpener(
                        verifier, subscriptions, sessions, meters, settings.maxChannels(), clock);
        return new Transports(
                watchdog,
                new EventsHttpService(opener, sessions, settings, watchdog),
                new PollHttpService(opener, sessions, settings),
                new WsContext(
                        verifier,
                        subscriptions,
                        sessions,
                        meters,
                        settings,
                        watchdog,
                        new FrameCache<>(e -> WsFrameWriter.text(WsMessages.event(e))),
                        clock,
                        MAX_WS_MESSAGE));
    }

    public EventsHttpService events() {
        return events;
    }

    public PollHttpService poll() {
        return poll;
    }

    /** Adds the viewer WebSocket to a server: its protocol settings and its endpoint. */
    public void serve(WebServerConfig.Builder server) {
        WsRouting.Builder routing = WsRouting.builder();
        routing.endpoint(WS_PATH, () -> new StreamEndpoint(ws));
        server.addProtocol(protocol()).addRouting(routing);
    }

    /** The WebSocket protocol settings: ops up to 64 KiB (larger: 1009). */
    static WsConfig protocol() {
        return WsConfig.builder().name("websocket").maxFrameLength(MAX_WS_MESSAGE).build();
    }

    @Override
    public void close() {
        watchdog.close();
    }
}
