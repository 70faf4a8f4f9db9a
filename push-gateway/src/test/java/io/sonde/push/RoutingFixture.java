package io.sonde.push;

import io.helidon.webserver.WebServer;
import io.micrometer.core.instrument.Counter;
import io.sonde.client.push.SseClient;
import io.sonde.devtools.DevKeys;
import io.sonde.devtools.TokenIssuer;
import io.sonde.platform.health.Health;
import io.sonde.platform.observability.Observability;
import io.sonde.platform.observability.ObserveService;
import io.sonde.platform.security.TokenVerifier;
import io.sonde.push.hub.Hub;
import io.sonde.push.session.SessionRegistry;
import io.sonde.push.transport.DevicesHttpService;
import io.sonde.push.transport.EventsHttpService;
import io.sonde.push.transport.SseConfig;
import io.sonde.testing.SseRecording;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The gateway's routing on a real server on a free port, without Kafka: tests publish into the hub
 * themselves.
 */
final class RoutingFixture implements AutoCloseable {
    static final Duration HEARTBEAT = Duration.ofMillis(200);
    static final Duration RETRY = Duration.ofMillis(1500);

    final Hub hub = new Hub();
    final Observability observability = Observability.create("push-gateway-test");
    final SessionRegistry sessions;
    final TokenIssuer issuer;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final EventsHttpService events;
    private final WebServer server;

    RoutingFixture(Path keyDir, int queueSize) {
        DevKeys keys = DevKeys.loadOrCreate(keyDir);
        TokenVerifier verifier = TokenVerifier.of(keys.publicKeys());
        this.issuer = keys.issuer();
        this.sessions = new SessionRegistry(hub, queueSize, observability.meters());
        this.events =
                new EventsHttpService(
                        verifier,
                        hub,
                        sessions,
                        new SseConfig(HEARTBEAT, RETRY, Duration.ofSeconds(1), 4));
        ObserveService observe = new ObserveService(observability, new Health());
        DevicesHttpService devices = new DevicesHttpService(verifier, hub);
        this.server =
                WebServer.builder()
                        .host("127.0.0.1")
                        .port(0)
                        .routing(r -> PushGatewayMain.routing(r, observe, events, devices))
                        .build()
                        .start();
    }

    int port() {
        return server.port();
    }

    String viewer(String... channels) {
        return issuer.viewer("viewer", List.of(channels), false, Duration.ofMinutes(5));
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port() + pathAndQuery);
    }

    /** {@code /v1/events} for these channels with the token in the query. */
    URI events(String token, String... channels) {
        StringBuilder sb = new StringBuilder("/v1/events?access_token=").append(token);
        for (String channel : channels) {
            sb.append("&channel=").append(URLEncoder.encode(channel, StandardCharsets.UTF_8));
        }
        return uri(sb.toString());
    }

    /** An SSE stream of this gateway, recorded. */
    SseRecording sse(URI uri) {
        return SseRecording.open(SseClient.to(uri).http(http));
    }

    HttpResponse<String> get(URI uri, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET();
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    double disconnects(String reason) {
        Counter counter =
                observability
                        .meters()
                        .find(SessionRegistry.DISCONNECTS_METRIC)
                        .tag("reason", reason)
                        .counter();
        return counter == null ? 0 : counter.count();
    }

    @Override
    public void close() {
        sessions.shutdown();
        server.stop();
        events.close();
        http.close();
        observability.close();
    }
}
