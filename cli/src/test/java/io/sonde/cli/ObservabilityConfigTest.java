package io.sonde.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The ready-made configs in {@code deploy/observability} are what Prometheus and Grafana accept:
 * the scrape config and its alert rules pass {@code promtool check config}, the alerts fire on
 * exactly the situations their unit tests describe ({@code promtool test rules}), and every Grafana
 * panel queries a metric some service exposes. The promtool parts are skipped, with the reason
 * printed, where promtool is missing.
 */
class ObservabilityConfigTest {
    private static final Path PROMTOOL = Path.of("/usr/bin/promtool");
    private static final Path DIR = Path.of("..", "deploy", "observability");

    @Test
    void prometheusAcceptsTheScrapeConfigAndItsRules() throws Exception {
        assumePromtool();
        assertThat(promtool("check", "config", "prometheus.yml"))
                .contains("SUCCESS: 6 rules found");
    }

    @Test
    void theAlertsFireOnWhatTheirTestsDescribe() throws Exception {
        assumePromtool();
        assertThat(promtool("test", "rules", "sonde-alerts.test.yml")).contains("SUCCESS");
    }

    @Test
    void everyDashboardPanelQueriesADocumentedMetric() throws IOException {
        JsonNode dashboard =
                new ObjectMapper().readTree(DIR.resolve("grafana-dashboard.json").toFile());
        String catalogue = Files.readString(Path.of("..", "docs", "operations.md"));
        List<String> missing = new ArrayList<>();
        int queries = 0;
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.path("targets")) {
                queries++;
                for (String metric : target.get("expr").asText().split("[^a-z_]+")) {
                    String base = metric.replaceAll("_(bucket|sum|count)$", "");
                    if (metric.startsWith("sonde_") && !catalogue.contains("`" + base + "`")) {
                        missing.add(panel.get("title").asText() + ": " + metric);
                    }
                }
            }
        }
        assertThat(queries).isGreaterThanOrEqualTo(8);
        assertThat(missing).as("metrics not in docs/operations.md").isEmpty();
    }

    private static void assumePromtool() {
        if (!Files.isExecutable(PROMTOOL)) {
            System.out.println("[sonde-test] promtool checks skipped: install prometheus");
        }
        Assumptions.assumeTrue(Files.isExecutable(PROMTOOL), "no /usr/bin/promtool");
    }

    private static String promtool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(PROMTOOL.toString()));
        command.addAll(List.of(args));
        Process p =
                new ProcessBuilder(command)
                        .directory(DIR.toFile())
                        .redirectErrorStream(true)
                        .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("promtool %s said:%n%s", String.join(" ", args), out).isZero();
        return out;
    }
}
