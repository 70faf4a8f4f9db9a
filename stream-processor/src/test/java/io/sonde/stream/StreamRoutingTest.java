package io.sonde.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.helidon.webserver.WebServer;
import io.sonde.devtools.DevKeys;
import io.sonde.devtools.TokenIssuer;
import io.sonde.platform.health.Health;
import io.sonde.platform.health.HealthCheck;
import io.sonde.platform.http.ViewerAuth;
import io.sonde.platform.kafka.KafkaConfig;
import io.sonde.platform.observability.Observability;
import io.sonde.platform.observability.ObserveService;
import io.sonde.platform.security.TokenVerifier;
import io.sonde.stream.config.StreamConfig;
import io.sonde.stream.query.QueryHttpService;
import io.sonde.stream.query.RuleWriter;
import io.sonde.stream.query.RulesHttpService;
import io.sonde.stream.query.StateAccess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The processor's whole route table on a real server, without Kafka: authentication and validation
 * answer before any state is needed, and state that is not there yet is a 503 with {@code
 * Retry-After}, never an empty answer.
 */
class StreamRoutingTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir Path keys;
    private final AtomicBoolean running = new AtomicBoolean();
    private Observability observability;
    private RuleWriter writer;
    private TokenIssuer issuer;
    private WebServer server;

    @BeforeEach
    void start() {
        DevKeys dev = DevKeys.loadOrCreate(keys);
        issuer = dev.issuer();
        ViewerAuth auth = new ViewerAuth(TokenVerifier.of(dev.publicKeys()));
        observability = Observability.create("stream-test");
        Health health = new Health();
        health.addReadiness(HealthCheck.of("streams", running::get, "state REBALANCING"));
        ObserveService observe = new ObserveService(observability, health);
        StateAccess access = new StateAccess();
        writer = new RuleWriter(KafkaConfig.of("127.0.0.1:1", "routing."));
        QueryHttpService queries =
                new QueryHttpService(auth, access, StreamConfig.defaults().windows());
        RulesHttpService rules = new RulesHttpService(auth, access, writer, 10);
        server =
                WebServer.builder()
                        .host("127.0.0.1")
                        .port(0)
                        .routing(r -> StreamProcessorMain.routing(r, observe, queries, rules))
                        .build()
                        .start();
    }

    @AfterEach
    void stop() {
        server.stop();
        writer.close();
        observability.close();
    }

    private String viewer(boolean admin, String... channels) {
        return issuer.viewer("v", List.of(channels), admin, Duration.ofMinutes(5));
    }

    @Test
    void readinessFollowsStreamsWhileLivenessStaysUp() throws Exception {
        HttpResponse<String> down = get("/observe/health", null);
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(down.body()).contains("state REBALANCING");
        assertThat(get("/observe/health/live", null).statusCode()).isEqualTo(200);

        running.set(true);

        assertThat(get("/observe/health/ready", null).statusCode()).isEqualTo(200);
    }

    @Test
    void queriesNeedAViewerTokenForTheirChannelAndAreUnavailableUntilStreamsRuns()
            throws Exception {
        assertThat(get("/v1/devices", null).statusCode()).isEqualTo(401);
        assertThat(get("/v1/devices", viewer(false, "telemetry:*")).statusCode()).isEqualTo(403);
        assertThat(get("/v1/alerts", viewer(false, "devices")).statusCode()).isEqualTo(403);

        HttpResponse<String> notYet = get("/v1/devices", viewer(false, "devices"));

        assertThat(notYet.statusCode()).isEqualTo(503);
        assertThat(notYet.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(notYet.body()).contains("\"code\":\"unavailable\"");
        assertThat(get("/v1/alerts?state=maybe", viewer(false, "alerts")).statusCode())
                .isEqualTo(400);
        assertThat(get("/v1/devices/d/aggregates?window=5m", viewer(false, "aggregates:d")).body())
                .contains("\"field\":\"window\"");
    }

    @Test
    void changingRulesNeedsAnAdminTokenAndABadRuleIsRefusedByField() throws Exception {
        String rule = "{\"metric\":\"t\",\"op\":\">\",\"threshold\":1,\"severity\":\"info\"}";
        assertThat(put("/v1/rules/r1", rule, viewer(false, "*")).statusCode()).isEqualTo(403);

        HttpResponse<String> bad =
                put("/v1/rules/r1", rule.replace("\"info\"", "\"loud\""), viewer(true, "*"));

        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("\"code\":\"bad_rule\"").contains("\"field\":\"severity\"");
        assertThat(put("/v1/rules/bad%20id", rule, viewer(true, "*")).body())
                .contains("\"field\":\"id\"");
        assertThat(get("/v1/rules", viewer(false, "devices")).statusCode()).isEqualTo(503);
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> put(String path, String body, String token) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(uri(path))
                        .header("Authorization", "Bearer " + token)
                        .PUT(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }
}
