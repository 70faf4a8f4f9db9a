package io.sonde.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sonde.platform.kafka.KafkaConfig;
import io.sonde.proto.v1.Downlink;
import io.sonde.proto.v1.Reading;
import io.sonde.proto.v1.TelemetryBatch;
import io.sonde.proto.v1.Uplink;
import io.sonde.simulator.Simulator;
import io.sonde.stack.LocalStack;
import io.sonde.stack.StackConfig;
import io.sonde.testing.SharedKafka;
import io.sonde.testing.TestDevice;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.WebElement;

/**
 * The dashboard in a real headless Chromium against the whole stack on the test broker, looked at
 * as an operator would: the fleet fills, a device's chart shows history and then live readings,
 * alerts of a rule made in the page come and clear, the page falls back from WebSocket to SSE to
 * long-poll when a proxy refuses the better path, and it resumes across gateway restarts with
 * nothing missed and nothing twice. Each view is saved as a screenshot under {@code
 * target/screenshots} at desktop and phone width.
 *
 * <p>Skipped, with the reason printed, where Debian's chromium and chromium-driver are not
 * installed. One stack for the class; the tests that restart the push gateway or add a thousand
 * devices run last.
 */
@ExtendWith(SharedKafka.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(300)
class DashboardBrowserIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private LocalStack stack;
    private Path dir;
    private final AtomicInteger profiles = new AtomicInteger();

    @BeforeAll
    void startStack(KafkaConfig kafka) throws Exception {
        if (!Browser.installed()) {
            System.out.println(
                    "[sonde-test] DashboardBrowserIT skipped: install chromium and"
                            + " chromium-driver");
        }
        Assumptions.assumeTrue(Browser.installed(), "no /usr/bin/chromium or chromedriver");
        dir = Files.createTempDirectory("sonde-dashboard-it");
        stack = LocalStack.start(StackConfig.onCluster(dir, kafka));
        stack.startServices();
        stack.startSimulator(3, 2);
    }

    @AfterAll
    void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    /**
     * The page's own logic, in the same browser: connection fallback, reconnects and cursors under
     * random failures (scripted transports), backoff bounds, the alert lifecycle, channel patterns
     * (test/modules.test.js, served from the test classpath only).
     */
    @Test
    @Order(0)
    void theDashboardModulesPassTheirTests() {
        try (Browser page = browser()) {
            page.get("http://localhost:" + stack.push().port() + "/test/index.html");
            await().atMost(WAIT).until(() -> !page.attribute("body", "data-failed").isEmpty());
            String results = page.find("#results").getText();
            System.out.println(
                    results.lines()
                            .map(l -> "[sonde-test] js " + l)
                            .reduce("", (a, b) -> a + b + "\n"));
            assertThat(page.attribute("body", "data-failed")).as(results).isEqualTo("0");
            assertThat(page.number("body", "data-passed")).isEqualTo(11);
            assertThat(page.scriptErrors()).isEmpty();
        }
    }

    @Test
    @Order(1)
    void fleetFillsAndADeviceViewShowsHistoryThenLiveReadings() throws Exception {
        try (Browser page = browser();
                TestDevice device = device("probe-1")) {
            send(device, 1, 5, 20.0);
            page.get(dashboard("#/fleet"));
            await().atMost(WAIT).until(() -> transport(page).equals("ws"));
            await().atMost(WAIT)
                    .until(() -> page.findAll("#fleet-body tr[data-device-id]").size() >= 4);
            assertThat(page.driver.getCurrentUrl()).doesNotContain("token=");
            WebElement sim = page.find("#fleet-body tr[data-device-id='sim-1']");
            assertThat(sim.getDomAttribute("data-online")).isEqualTo("true");
            assertThat(
                            sim.findElement(
                                            org.openqa.selenium.By.cssSelector(
                                                    "[data-field=metrics]"))
                                    .getText())
                    .contains("temperature");
            screenshots(page, "fleet");

            page.find("#fleet-body tr[data-device-id='probe-1']").click();
            // The five readings sent before the view opened: history from Kafka.
            await().atMost(WAIT).until(() -> page.number("#device-view", "data-readings") == 5);
            assertThat(page.attribute("#device-view", "data-first-seq")).isEqualTo("1");

            long sent = System.nanoTime();
            send(device, 6, 1, 21.0);
            await().atMost(Duration.ofSeconds(2))
                    .until(() -> page.number("#device-view", "data-last-seq") == 6);
            System.out.printf(
                    "[sonde-test] a reading reached the device chart %d ms after its ack%n",
                    (System.nanoTime() - sent) / 1_000_000);
            assertThat(page.number("#device-view", "data-duplicates")).isZero();
            // Each reading names its trace: the short id shown, the whole one on hover.
            String traced = "#recent-body tr[data-seq='6'] td.trace";
            assertThat(page.attribute(traced, "data-trace")).isEqualTo(trace(6));
            assertThat(page.attribute(traced, "title")).contains(trace(6));
            assertThat(page.text(traced)).isEqualTo(trace(6).substring(0, 8));
            assertThat(page.number(".chart[data-kind=raw][data-metric=temperature]", "data-points"))
                    .isEqualTo(6);
            screenshots(page, "device");
            assertThat(page.scriptErrors()).isEmpty();
        }
    }

    @Test
    @Order(2)
    void aRuleMadeInThePageRaisesAnAlertThatShowsAndClears() throws Exception {
        try (Browser page = browser();
                TestDevice device = device("probe-2")) {
            page.get(dashboard("#/rules"));
            await().atMost(WAIT).until(() -> page.find("#rule-new").isDisplayed());
            page.find("#rule-new").click();
            type(page, "id", "probe-hot");
            type(page, "metric", "temperature");
            type(page, "devices", "probe-2");
            page.find("#rule-form button[type=submit]").click();
            // No threshold: the gateway's refusal names the field, and the page shows it there.
            await().atMost(WAIT).until(() -> page.find("[data-error-for=threshold]").isDisplayed());
            assertThat(page.find("[data-error-for=threshold]").getText()).isNotBlank();
            assertThat(page.find("#rule-form [name=threshold]").getDomAttribute("aria-invalid"))
                    .isEqualTo("true");
            screenshots(page, "rules-error");

            type(page, "threshold", "50");
            type(page, "clearThreshold", "40");
            new org.openqa.selenium.support.ui.Select(page.find("#rule-form [name=severity]"))
                    .selectByVisibleText("critical");
            page.find("#rule-form button[type=submit]").click();
            await().atMost(WAIT)
                    .until(() -> !page.findAll("#rules-body tr[data-rule-id=probe-hot]").isEmpty());
            assertThat(page.find("#rule-form").isDisplayed()).isFalse();
            screenshots(page, "rules");

            page.get(dashboard("#/alerts"));
            send(device, 1, 1, 60.0);
            String row = "#alerts-body tr[data-alert-id^='probe-hot/probe-2/']";
            await().atMost(WAIT).until(() -> page.attribute(row, "data-state").equals("active"));
            assertThat(page.attribute(row, "data-severity")).isEqualTo("critical");
            // The trace of the reading that raised it, from the event (the REST history, which may
            // come first, has none).
            await().atMost(WAIT).until(() -> page.attribute(row, "data-trace").equals(trace(1)));
            assertThat(page.driver.getTitle()).startsWith("(1)");
            assertThat(page.find("#alert-count").getText()).isEqualTo("1");
            screenshots(page, "alerts");

            send(device, 2, 1, 30.0);
            await().atMost(WAIT).until(() -> page.attribute(row, "data-state").equals("cleared"));
            assertThat(page.findAll(row)).hasSize(1);
            assertThat(page.driver.getTitle()).isEqualTo("Sonde");

            // Edited in the page (the threshold raised), then deleted with two clicks.
            page.get(dashboard("#/rules"));
            String rule = "#rules-body tr[data-rule-id=probe-hot]";
            await().atMost(WAIT).until(() -> !page.findAll(rule + " button").isEmpty());
            page.find(rule + " button").click();
            type(page, "threshold", "55");
            page.find("#rule-form button[type=submit]").click();
            await().atMost(WAIT).until(() -> page.text(rule).contains("> 55"));
            page.find(rule + " button.danger").click();
            page.find(rule + " button.danger").click();
            await().atMost(WAIT).until(() -> page.findAll(rule).isEmpty());
            assertThat(page.scriptErrors()).isEmpty();
        }
    }

    @Test
    @Order(3)
    void anExpiredTokenIsSaidSo() {
        try (Browser page = browser()) {
            String token =
                    stack.issuer().viewer("late", List.of("*"), false, Duration.ofSeconds(6));
            page.get(
                    stack.dashboardUri(Duration.ofHours(1))
                            .resolve("/?token=" + token + "#/fleet")
                            .toString());
            await().atMost(WAIT).until(() -> transport(page).equals("ws"));
            // Not admin: the rules are read only.
            page.get(page.driver.getCurrentUrl().replace("#/fleet", "#/rules"));
            await().atMost(WAIT).until(() -> page.find("#rules-read-only").isDisplayed());
            assertThat(page.find("#rule-new").isDisplayed()).isFalse();
            await().atMost(WAIT).until(() -> page.find("#auth-notice").isDisplayed());
            assertThat(page.find("#auth-notice").getText()).contains("expired");
            assertThat(page.attribute("#connection-status", "data-state")).isEqualTo("offline");
        }
    }

    /**
     * A proxy refuses the WebSocket path: the page uses SSE. Then SSE is refused too and the
     * gateway is stopped; readings are sent while it is down; it starts again: the page comes back
     * on long-poll. Then the proxy lets everything through: the page's probe moves it back to
     * WebSocket by itself. Then the gateway is stopped and started once more. The 60 numbered
     * readings, sent all along, arrive all, once each, in order.
     */
    @Test
    @Order(4)
    void fallsBackToSseThenLongPollAndResumesAcrossRestartsWithNothingLostOrTwice()
            throws Exception {
        try (RefusingProxy proxy = new RefusingProxy(stack.push().port());
                Browser page = browser();
                TestDevice device = device("probe-3")) {
            proxy.refuse("/v1/ws");
            String token =
                    stack.issuer().viewer("viewer", List.of("*"), false, Duration.ofHours(1));
            page.get("http://localhost:" + proxy.port() + "/?token=" + token + "#/device/probe-3");
            await().atMost(WAIT).until(() -> transport(page).equals("sse"));
            send(device, 1, 20, 20.0);
            await().atMost(WAIT).until(() -> page.number("#device-view", "data-last-seq") == 20);

            proxy.refuse("/v1/ws", "/v1/events");
            int port = stack.stopPushGateway();
            send(device, 21, 20, 21.0);
            await().atMost(WAIT)
                    .until(() ->
                            !page.attribute("#connection-status", "data-state").equals("live"));
            stack.startPushGateway(port);
            await().atMost(WAIT).until(() -> transport(page).equals("poll"));
            await().atMost(WAIT).until(() -> page.number("#device-view", "data-last-seq") == 40);
            screenshots(page, "device-long-poll");

            proxy.refuse();
            send(device, 41, 10, 22.0);
            // No restart: the probe (after 11 to 19 s) finds WebSocket open again.
            await().atMost(WAIT).until(() -> transport(page).equals("ws"));
            port = stack.stopPushGateway();
            send(device, 51, 10, 23.0);
            stack.startPushGateway(port);
            await().atMost(WAIT).until(() -> page.number("#device-view", "data-last-seq") == 60);
            // A reconnect may open a fallback: each attempt tries WebSocket, SSE, long-poll in
            // turn, and the gateway can come up between two of them. The probe (after 11 to 19 s)
            // moves it back to WebSocket, as documented.
            await().atMost(WAIT).until(() -> transport(page).equals("ws"));
            assertThat(page.number("#device-view", "data-readings")).isEqualTo(60);
            assertThat(page.number("#device-view", "data-first-seq")).isEqualTo(1);
            assertThat(page.number("#device-view", "data-duplicates")).isZero();
            assertThat(page.number("#device-view", "data-out-of-order")).isZero();
            List<String> console = page.console();
            assertThat(console).noneMatch(m -> m.contains(token), "no token in the console");
            assertThat(Browser.scriptErrors(console)).isEmpty();
        }
    }

    /**
     * A thousand devices: the fleet holds them all, and however many device events arrive, the page
     * writes the DOM at most once per animation frame. The frame and long-task numbers are printed,
     * not asserted (performance belongs in benchmarks); README records them.
     */
    @Test
    @Order(5)
    void aFleetOfAThousandDevicesIsWrittenOncePerFrame() throws Exception {
        try (Browser page = browser();
                Simulator fleet = stack.startSimulator(1000, 0.5, "fleet-")) {
            page.get(dashboard("#/fleet"));
            page.find("#fleet-filter").sendKeys("fleet-");
            await().atMost(Duration.ofMinutes(2))
                    .until(() -> page.number("#fleet-table", "data-devices") == 1000);
            // Windowed: the table holds the rows in sight, not a thousand.
            assertThat(page.number("#fleet-table", "data-rendered")).isBetween(10L, 60L);
            assertThat(page.find("#device-count").getText()).contains("(1000 shown)");
            page.driver.executeScript(
                    "window.__frames = []; window.__longTasks = [];new PerformanceObserver(l =>"
                        + " window.__longTasks.push(...l.getEntries().map(e =>"
                        + " e.duration))).observe({type: 'longtask'});let last ="
                        + " performance.now();const tick = t => { window.__frames.push(t - last);"
                        + " last = t; if (window.__frames.length < 100000)"
                        + " requestAnimationFrame(tick); };requestAnimationFrame(tick);");
            long events = page.number("body", "data-frames-with-writes");
            await().pollDelay(Duration.ofSeconds(10))
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> true);
            @SuppressWarnings("unchecked")
            List<Number> frames =
                    (List<Number>) page.driver.executeScript("return window.__frames;");
            @SuppressWarnings("unchecked")
            List<Number> longTasks =
                    (List<Number>) page.driver.executeScript("return window.__longTasks;");
            double[] gaps = frames.stream().mapToDouble(Number::doubleValue).sorted().toArray();
            System.out.printf(
                    "[sonde-test] fleet of 1,000: %d frames in 10 s, frame gap p50 %.1f ms,"
                            + " p99 %.1f ms, max %.1f ms; %d long tasks (max %.0f ms);"
                            + " %d frames wrote the DOM, longest write pass %s ms (%s jobs)%n",
                    gaps.length,
                    gaps[gaps.length / 2],
                    gaps[(int) (gaps.length * 0.99)],
                    gaps[gaps.length - 1],
                    longTasks.size(),
                    longTasks.stream().mapToDouble(Number::doubleValue).max().orElse(0),
                    page.number("body", "data-frames-with-writes") - events,
                    page.attribute("body", "data-longest-write-pass-ms"),
                    page.attribute("body", "data-longest-write-pass-jobs"));
            assertThat(page.number("body", "data-max-write-passes-per-frame")).isEqualTo(1);
            // Sorted by device id, descending (natural order): fleet-1000 first, and scrolled to
            // the end, fleet-1 in sight; still only the rows in sight in the table.
            page.find("#fleet-table [data-sort=device]").click();
            await().atMost(WAIT)
                    .until(() ->
                            page.attribute("#fleet-table th:nth-child(1)", "aria-sort")
                                    .equals("descending"));
            await().atMost(WAIT)
                    .until(() ->
                            page.attributes("#fleet-body tr[data-device-id]", "data-device-id")
                                    .subList(0, 3)
                                    .equals(List.of("fleet-1000", "fleet-999", "fleet-998")));
            page.driver.executeScript(
                    "const s = document.getElementById('fleet-scroll');"
                            + " s.scrollTop = s.scrollHeight;");
            await().atMost(WAIT)
                    .until(() -> {
                        List<String> ids =
                                page.attributes("#fleet-body tr[data-device-id]", "data-device-id");
                        return !ids.isEmpty() && ids.get(ids.size() - 1).equals("fleet-1");
                    });
            assertThat(page.number("#fleet-table", "data-rendered")).isBetween(10L, 60L);
            screenshots(page, "fleet-1000");
            // A simulated device that has streamed since the class began: its charts for the docs.
            page.get(dashboard("#/device/sim-1"));
            await().atMost(WAIT).until(() -> page.number("#device-view", "data-readings") > 40);
            screenshots(page, "device-streaming");
            assertThat(page.scriptErrors()).isEmpty();
        }
    }

    private static void type(Browser page, String field, String text) {
        WebElement input = page.find("#rule-form [name=" + field + "]");
        input.clear();
        input.sendKeys(text);
    }

    private Browser browser() {
        return Browser.open(dir.resolve("chromium-" + profiles.incrementAndGet()));
    }

    private String dashboard(String hash) {
        return stack.dashboardUri(Duration.ofHours(1)) + hash;
    }

    private TestDevice device(String id) {
        return TestDevice.connect(
                stack.ingest().port(), stack.issuer().device(id, Duration.ofHours(1)));
    }

    /** Sends readings {@code first..first+count-1} of {@code temperature} and waits for the ack. */
    private static void send(TestDevice device, int first, int count, double temperature)
            throws InterruptedException {
        TelemetryBatch.Builder batch = TelemetryBatch.newBuilder();
        long now = System.currentTimeMillis();
        for (int seq = first; seq < first + count; seq++) {
            batch.addReadings(
                    Reading.newBuilder()
                            .setSeq(seq)
                            .setTimeUnixNano((now - (first + count - seq) * 10L) * 1_000_000L)
                            .putMetrics("temperature", temperature)
                            .setTraceparent("00-" + trace(seq) + "-00f067aa0ba902b7-01"));
        }
        device.send(Uplink.newBuilder().setBatch(batch).build());
        Downlink reply = device.next();
        assertThat(reply.hasAck()).as("reply %s", reply).isTrue();
        assertThat(reply.getAck().getSeq()).isEqualTo(first + count - 1L);
    }

    // The trace id each test reading starts; a batch's trace is that of its first reading.
    private static String trace(int seq) {
        return String.format("5e%030x", seq);
    }

    private static String transport(Browser page) {
        return page.attribute("#connection-status", "data-transport");
    }

    private static void screenshots(Browser page, String name) {
        page.screenshot(name + "-desktop");
        page.size(Browser.PHONE);
        page.screenshot(name + "-phone");
        page.size(Browser.DESKTOP);
    }
}
