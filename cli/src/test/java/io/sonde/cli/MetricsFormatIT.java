package io.sonde.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sonde.platform.kafka.KafkaConfig;
import io.sonde.platform.service.Service;
import io.sonde.stack.LocalStack;
import io.sonde.stack.StackConfig;
import io.sonde.testing.SharedKafka;
import io.sonde.testing.SseRecording;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every service's {@code /observe/metrics} is valid Prometheus text, as Prometheus' own {@code
 * promtool check metrics} reads it, with the stack busy so that every kind of meter has values; and
 * Sonde's own meters ({@code sonde_*}) pass its lint too (names, types, help, base units). Lint
 * notes on the Kafka clients' and the JVM's meters, whose names Sonde does not choose, are printed,
 * not failed. Every metric of the catalogue in docs/operations.md is exposed by some service.
 * Skipped, with the reason printed, where promtool (Debian package {@code prometheus}, installed by
 * {@code .ci/run}) is missing.
 */
@ExtendWith(SharedKafka.class)
@Timeout(180)
class MetricsFormatIT {
    private static final Path PROMTOOL = Path.of("/usr/bin/promtool");
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int LINT_NOTES = 3;

    @Test
    void everyServiceExposesMetricsPromtoolAccepts(KafkaConfig kafka, @TempDir Path dir)
            throws Exception {
        if (!Files.isExecutable(PROMTOOL)) {
            System.out.println("[sonde-test] MetricsFormatIT skipped: install prometheus");
        }
        Assumptions.assumeTrue(Files.isExecutable(PROMTOOL), "no /usr/bin/promtool");
        try (LocalStack stack = LocalStack.start(StackConfig.onCluster(dir, kafka))) {
            stack.startServices();
            stack.startSimulator(3, 5);
            String viewer =
                    stack.issuer().viewer("metrics", List.of("*"), false, Duration.ofMinutes(5));
            try (SseRecording sse =
                    SseRecording.open(stack.push().port(), viewer, "devices", "telemetry:sim-1")) {
                // Busy: readings acked, windows updated, events pushed.
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> metrics(stack.push()).contains("sonde_push_"));
                await().atMost(Duration.ofSeconds(60)).until(() -> sse.events().size() > 10);
                // A client that came and went: disconnects are counted too.
                try (SseRecording brief =
                        SseRecording.open(stack.push().port(), viewer, "devices")) {
                    brief.await(e -> true, Duration.ofSeconds(60));
                }
                await().atMost(Duration.ofSeconds(60))
                        .until(() ->
                                metrics(stack.push()).contains("sonde_push_disconnects_total"));
                StringBuilder all = new StringBuilder();
                for (Service service : stack.services()) {
                    String text = metrics(service);
                    all.append(text);
                    Process check =
                            new ProcessBuilder(PROMTOOL.toString(), "check", "metrics")
                                    .redirectErrorStream(true)
                                    .start();
                    check.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
                    check.getOutputStream().close();
                    String said =
                            new String(
                                    check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    int exit = check.waitFor();
                    // promtool: 0 clean, 3 lint notes only, anything else the text is not valid.
                    assertThat(exit)
                            .as("promtool on %s's metrics said:%n%s", service.name(), said)
                            .isIn(0, LINT_NOTES);
                    assertThat(said.lines().filter(l -> l.startsWith("sonde_")))
                            .as("lint of %s's own meters", service.name())
                            .isEmpty();
                    System.out.printf(
                            "[sonde-test] promtool accepts %s's %d metric lines (%d lint notes on"
                                    + " Kafka and JVM meters)%n",
                            service.name(),
                            text.lines().filter(l -> !l.startsWith("#")).count(),
                            said.lines().count());
                }
                assertThat(undocumentedOrAbsent(all.toString()))
                        .as("catalogue metrics (docs/operations.md) no service exposes")
                        .isEmpty();
            }
        }
    }

    // Every metric of the catalogue table in docs/operations.md, exposed by some service.
    private static List<String> undocumentedOrAbsent(String exposed) throws IOException {
        Matcher row =
                Pattern.compile("(?m)^\\| `(sonde_[a-z_]+)` \\|")
                        .matcher(Files.readString(Path.of("..", "docs", "operations.md")));
        List<String> absent = new ArrayList<>();
        int rows = 0;
        while (row.find()) {
            rows++;
            String name = row.group(1);
            if (!Pattern.compile("(?m)^" + name + "(_bucket|_count|_sum)?[{ ]")
                    .matcher(exposed)
                    .find()) {
                absent.add(name);
            }
        }
        assertThat(rows).as("catalogue rows").isGreaterThan(20);
        return absent;
    }

    /** The count of {@code sonde_push_event_age_seconds} for one event type, 0 when absent. */
    private static double ageCount(String text, String event) {
        return text.lines()
                .filter(l -> l.startsWith("sonde_push_event_age_seconds_count{"))
                .filter(l -> l.contains("event=\"" + event + "\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    private static String metrics(Service service) throws IOException, InterruptedException {
        HttpResponse<String> response =
                HTTP.send(
                        HttpRequest.newBuilder(
                                        URI.create(
                                                "http://127.0.0.1:"
                                                        + service.port()
                                                        + "/observe/metrics"))
                                .header("Accept", "text/plain")
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }
}
