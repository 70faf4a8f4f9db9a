package io.sonde.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sonde.platform.kafka.KafkaConfig;
import io.sonde.stack.LocalStack;
import io.sonde.stack.StackConfig;
import io.sonde.testing.SharedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The dashboard in a real headless Chromium against the running stack with simulated devices: what
 * an operator sees. Skipped, with the reason printed, where Debian's chromium and chromium-driver
 * are not installed.
 */
@ExtendWith(SharedKafka.class)
@Timeout(240)
class DashboardBrowserIT {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void showsTheFleetLiveAndADevicesChart(KafkaConfig kafka, @TempDir Path dir) throws Exception {
        boolean browser = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!browser) {
            System.out.println(
                    "[sonde-test] DashboardBrowserIT skipped: install chromium and"
                            + " chromium-driver");
        }
        Assumptions.assumeTrue(browser, "no /usr/bin/chromium or /usr/bin/chromedriver");
        StackConfig config = StackConfig.onCluster(dir, kafka);
        try (LocalStack stack = LocalStack.start(config)) {
            stack.startServices();
            stack.startSimulator(3, 2);
            WebDriver driver = chromium(dir.resolve("chromium-profile"));
            try {
                driver.get(stack.dashboardUri(Duration.ofMinutes(10)).toString());
                await().atMost(WAIT).until(() -> state(driver).equals("live"));
                await().atMost(WAIT)
                        .until(() ->
                                driver.findElements(
                                                        By.cssSelector(
                                                                "#fleet-body tr[data-device-id]"))
                                                .size()
                                        == 3);
                assertThat(driver.getCurrentUrl()).doesNotContain("token=");

                WebElement row =
                        driver.findElement(
                                By.cssSelector("#fleet-body tr[data-device-id='sim-1']"));
                assertThat(row.getAttribute("data-online")).isEqualTo("true");
                assertThat(row.findElement(By.cssSelector("[data-field=metrics]")).getText())
                        .contains("temperature");

                row.click();
                await().atMost(WAIT)
                        .until(() ->
                                "sim-1"
                                        .equals(
                                                driver.findElement(By.id("device-detail"))
                                                        .getAttribute("data-device-id")));
                await().atMost(WAIT).until(() -> points(driver) >= 2);
            } finally {
                driver.quit();
            }
        }
    }

    private static String state(WebDriver driver) {
        return driver.findElement(By.id("connection-status")).getAttribute("data-state");
    }

    private static int points(WebDriver driver) {
        String p = driver.findElement(By.id("telemetry-chart")).getAttribute("data-points");
        return p == null || p.isBlank() ? 0 : Integer.parseInt(p);
    }

    private static WebDriver chromium(Path profile) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-quic",
                "--no-first-run",
                "--user-data-dir=" + profile);
        ChromeDriverService service =
                new ChromeDriverService.Builder()
                        .usingDriverExecutable(CHROMEDRIVER.toFile())
                        .build();
        return new ChromeDriver(service, options);
    }
}
