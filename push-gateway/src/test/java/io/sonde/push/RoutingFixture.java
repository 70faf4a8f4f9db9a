package io.sonde.push;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.micrometer.core.instrument.Counter;
import io.sonde.client.push.SseClient;
import io.sonde.devtools.DevKeys;
import io.sonde.devtools.TokenIssuer;
import io.sonde.platform.health.Health;
import io.sonde.platform.observability.Observability;
import io.sonde.platform.observability.ObserveService;
import io.sonde.platform.security.TokenVerifier;
import io.sonde.push.hub.Channels;
import io.sonde.push.hub.Emit;
import io.sonde.push.hub.Hub;
import io.sonde.push.hub.Log;
import io.sonde.push.kafka.KafkaPartitioner;
import io.sonde.push.rest.DevicesHttpService;
import io.sonde.push.rest.ProcessorClient;
import io.sonde.push.rest.ProcessorHttpService;
import io.sonde.push.session.SessionRegistry;
import io.sonde.push.session.SubscriptionMeters;
import io.sonde.push.session.Subscriptions;
import io.sonde.push.transport.StreamSettings;
import io.sonde.push.transport.Transports;
import io.sonde.testing.SseRecording;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The gateway's routing on a real server on a free port, without Kafka: tests publish into the hub
 * themselves (through an in-memory history, so that resumes work too).
 */
final class RoutingFixture implements AutoCloseable {
    static final Duration HEARTBEAT = Duration.ofMillis(200);
    static final Duration RETRY = Duration.ofMillis(1500);
    static final int PARTITIONS = 3;
    static final int MAX_CHANNELS = 4;
    static final int MAX_STREAMS_PER_TOKEN = 60;

    final Hub hub = new Hub(new KafkaPartitioner());
    final MemoryHistory history = new MemoryHistory(hub);
    final Observability observability = Observability.create("push-gateway-test");
    final SubscriptionMeters subscriptionMeters = new SubscriptionMeters(observability.meters());
    final Subscriptions subscriptions;
    final SessionRegistry sessions;
    final TokenIssuer issuer;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final Map<Log, long[]> next = new EnumMap<>(Log.class);
    private final Transports transports;
    private final WebServer server;

    RoutingFixture(Path keyDir, int queueSize) {
        this(keyDir, queueSize, Duration.ofSeconds(1));
    }

    RoutingFixture(Path keyDir, int queueSize, Duration writeTimeout) {
        this(keyDir, queueSize, writeTimeout, URI.create("http://127.0.0.1:1"));
    }

    RoutingFixture(Path keyDir, int queueSize, Duration writeTimeout, URI processor) {
        DevKeys keys = DevKeys.loadOrCreate(keyDir);
        TokenVerifier verifier = TokenVerifier.of(keys.publicKeys());
        this.issuer = keys.issuer();
        for (Log log : Log.values()) {
            next.put(log, new long[PARTITIONS]);
            hub.begin(log, new long[PARTITIONS]);
        }
        this.subscriptions = new Subscriptions(hub, history, subscriptionMeters);
        this.sessions =
                new SessionRegistry(
                        subscriptions, queueSize, MAX_STREAMS_PER_TOKEN, observability.meters());
        this.transports =
                Transports.create(
                        verifier,
                        subscriptions,
                        sessions,
                        subscriptionMeters,
                        new StreamSettings(
                                HEARTBEAT,
                                RETRY,
                                writeTimeout,
                                MAX_CHANNELS,
                                5,
                                Duration.ofSeconds(30)),
                        Clock.systemUTC());
        ObserveService observe = new ObserveService(observability, new Health());
        PushGatewayMain.Api api =
                new PushGatewayMain.Api(
                        new DevicesHttpService(verifier, hub),
                        new ProcessorHttpService(new ProcessorClient(processor)));
        HttpRouting.Builder http = HttpRouting.builder();
        PushGatewayMain.routing(http, observe, transports, api);
        WebServerConfig.Builder builder =
                WebServer.builder().host("127.0.0.1").port(0).routing(http);
        transports.serve(builder);
        this.server = builder.build().start();
    }

    int port() {
        return server.port();
    }

    /**
     * Publishes one event on {@code channel} as the record at the next offset of its partition
     * (partition 0 for fleet channels), retained under {@code key} unless it is null.
     *
     * @return the record's offset
     */
    synchronized long publish(String channel, String name, String data, String key) {
        Log log = Channels.log(channel);
        int partition = hub.partitionsOf(channel).iterator().next();
        long offset = next.get(log)[partition]++;
        Emit emit =
                key == null
                        ? Emit.event(channel, name, data)
                        : Emit.retained(channel, name, data, key);
        history.publish(log, partition, offset, List.of(emit));
        return offset;
    }

    synchronized long publish(String channel, String name, String data) {
        return publish(channel, name, data, null);
    }

    String viewer(String... channels) {
        return issuer.viewer("viewer", List.of(channels), false, Duration.ofMinutes(5));
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port() + pathAndQuery);
    }

    /** {@code /v1/events} for these channels with the token in the query. */
    URI events(String token, String... channels) {
        return stream("/v1/events", token, channels);
    }

    /** {@code path?access_token=..&channel=..} */
    URI stream(String path, String token, String... channels) {
        StringBuilder sb = new StringBuilder(path).append("?access_token=").append(token);
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

    HttpResponse<String> send(String method, URI uri, String body) throws Exception {
        HttpRequest request =
                HttpRequest.newBuilder(uri)
                        .method(
                                method,
                                body == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofString(body))
                        .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
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
        transports.close();
        http.close();
        observability.close();
    }
}
