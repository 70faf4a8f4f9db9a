package io.sonde.push;

import static org.assertj.core.api.Assertions.assertThat;

import io.sonde.push.hub.Channels;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /v1/devices} and the dashboard's static files over real sockets. */
class RestAndDashboardRoutingTest {
    @TempDir Path keys;
    private RoutingFixture fixture;

    @BeforeEach
    void start() {
        fixture = new RoutingFixture(keys, 16);
        publishDevice("dev-2", 1);
        publishDevice("dev-1", 2);
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    private void publishDevice(String id, int offset) {
        String data = "{\"deviceId\":\"" + id + "\",\"online\":true,\"lastSeen\":1,\"metrics\":{}}";
        fixture.publish(Channels.DEVICES, "device", data, id);
    }

    @Test
    void listsEveryDeviceStateAsAJsonArray() throws Exception {
        HttpResponse<String> res =
                fixture.get(
                        fixture.uri("/v1/devices"),
                        "Authorization",
                        "Bearer " + fixture.viewer("devices"));

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(res.body())
                .startsWith("[{\"deviceId\":\"dev-1\"")
                .contains("{\"deviceId\":\"dev-2\"")
                .endsWith("}]");
    }

    @Test
    void oneDeviceOr404() throws Exception {
        String token = fixture.viewer("devices");

        HttpResponse<String> known =
                fixture.get(fixture.uri("/v1/devices/dev-1?access_token=" + token));
        HttpResponse<String> unknown =
                fixture.get(fixture.uri("/v1/devices/nope?access_token=" + token));

        assertThat(known.statusCode()).isEqualTo(200);
        assertThat(known.body()).startsWith("{\"deviceId\":\"dev-1\"");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("\"code\":\"not_found\"").contains("nope");
    }

    @Test
    void restNeedsAViewerTokenThatAllowsTheDevicesChannel() throws Exception {
        HttpResponse<String> none = fixture.get(fixture.uri("/v1/devices"));
        HttpResponse<String> narrow =
                fixture.get(
                        fixture.uri(
                                "/v1/devices?access_token=" + fixture.viewer("telemetry:dev-1")));

        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(narrow.statusCode()).isEqualTo(403);
    }

    @Test
    void theDashboardAndUplotAreServed() throws Exception {
        HttpResponse<String> index = fixture.get(fixture.uri("/"));
        HttpResponse<String> app = fixture.get(fixture.uri("/app.js"));
        HttpResponse<String> uplot = fixture.get(fixture.uri("/vendor/uplot/uPlot.esm.js"));
        HttpResponse<String> css = fixture.get(fixture.uri("/vendor/uplot/uPlot.min.css"));
        HttpResponse<String> missing = fixture.get(fixture.uri("/nothing-here.js"));

        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(index.body()).contains("id=\"connection-status\"").contains("app.js");
        assertThat(app.statusCode()).isEqualTo(200);
        // Browsers refuse ES modules served with a non-JavaScript type.
        assertThat(app.headers().firstValue("Content-Type"))
                .get()
                .asString()
                .contains("javascript");
        assertThat(uplot.statusCode()).isEqualTo(200);
        assertThat(uplot.body()).contains("export");
        assertThat(css.statusCode()).isEqualTo(200);
        assertThat(missing.statusCode()).isEqualTo(404);
    }
}
