package io.sonde.push;

import static org.assertj.core.api.Assertions.assertThat;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** History, alerts and rules are passed on to the processor as asked, the token as a header. */
@Timeout(60)
class ProcessorRoutesRoutingTest {
    @TempDir Path keys;
    private WebServer processor;
    private RoutingFixture fixture;

    @BeforeEach
    void start() {
        // Stands in for the stream processor: tells what it was asked.
        processor =
                WebServer.builder()
                        .host("127.0.0.1")
                        .port(0)
                        .routing(r ->
                                r.any((req, res) ->
                                        res.status(req.path().path().contains("rules") ? 201 : 200)
                                                .header(HeaderNames.RETRY_AFTER, "7")
                                                .send(
                                                        req.prologue().method().text()
                                                                + " "
                                                                + req.path().path()
                                                                + "?"
                                                                + req.query().rawValue()
                                                                + " auth="
                                                                + req.headers()
                                                                        .first(
                                                                                HeaderNames
                                                                                        .AUTHORIZATION)
                                                                        .map(a ->
                                                                                a.startsWith(
                                                                                        "Bearer "))
                                                                        .orElse(false)
                                                                + " body="
                                                                + (req.content().hasEntity()
                                                                        ? req.content()
                                                                                .as(String.class)
                                                                        : ""))))
                        .build()
                        .start();
        fixture =
                new RoutingFixture(
                        keys,
                        16,
                        Duration.ofSeconds(1),
                        URI.create("http://127.0.0.1:" + processor.port()));
    }

    @AfterEach
    void stop() {
        fixture.close();
        processor.stop();
    }

    @Test
    void readsAndRuleChangesReachTheProcessorWithTheTokenAsAHeaderOnly() throws Exception {
        String token = fixture.viewer("*");

        HttpResponse<String> alerts =
                fixture.get(fixture.uri("/v1/alerts?state=all&access_token=" + token));
        HttpResponse<String> history =
                fixture.get(
                        fixture.uri(
                                "/v1/devices/dev%201/aggregates?window=10s&access_token=" + token));
        HttpResponse<String> put =
                fixture.send(
                        "PUT",
                        fixture.uri("/v1/rules/hot?access_token=" + token),
                        "{\"metric\":\"t\"}");

        assertThat(alerts.statusCode()).isEqualTo(200);
        assertThat(alerts.body()).isEqualTo("GET /v1/alerts?state=all auth=true body=");
        assertThat(alerts.headers().firstValue("Retry-After")).hasValue("7");
        assertThat(history.body())
                .startsWith("GET /v1/devices/dev 1/aggregates?window=10s auth=true");
        assertThat(put.statusCode()).isEqualTo(201);
        assertThat(put.body()).isEqualTo("PUT /v1/rules/hot? auth=true body={\"metric\":\"t\"}");
    }
}
