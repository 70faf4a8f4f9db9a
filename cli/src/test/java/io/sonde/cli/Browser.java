package io.sonde.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * One headless Debian Chromium, driven by Selenium, with a fresh profile: what the dashboard tests
 * look through. Lays pages out at exact viewport sizes (DevTools device metrics) and saves
 * screenshots as test output.
 */
final class Browser implements AutoCloseable {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Dimension DESKTOP = new Dimension(1280, 800);
    static final Dimension PHONE = new Dimension(390, 844);
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    final ChromeDriver driver;

    private Browser(ChromeDriver driver) {
        this.driver = driver;
    }

    static boolean installed() {
        return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    }

    static Browser open(Path profile) {
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
                "--window-size=1280,800",
                "--user-data-dir=" + profile);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service =
                new ChromeDriverService.Builder()
                        .usingDriverExecutable(CHROMEDRIVER.toFile())
                        .build();
        Browser browser = new Browser(new ChromeDriver(service, options));
        browser.size(DESKTOP);
        return browser;
    }

    void get(String url) {
        driver.get(url);
    }

    WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    List<WebElement> findAll(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    /**
     * The attribute of the first element matching {@code css}, "" when there is none: read in one
     * script call, so a view re-rendering meanwhile cannot leave a stale element in between.
     */
    String attribute(String css, String name) {
        Object value =
                driver.executeScript(
                        "const e = document.querySelector(arguments[0]);"
                                + " return e ? e.getAttribute(arguments[1]) : null;",
                        css,
                        name);
        return value == null ? "" : value.toString();
    }

    /** The text of the first element matching {@code css}, "" when there is none. */
    String text(String css) {
        Object value =
                driver.executeScript(
                        "const e = document.querySelector(arguments[0]);"
                                + " return e ? e.textContent : null;",
                        css);
        return value == null ? "" : value.toString();
    }

    /** The attribute of every element matching {@code css}, read in one script call. */
    @SuppressWarnings("unchecked")
    List<String> attributes(String css, String name) {
        return (List<String>)
                driver.executeScript(
                        "return [...document.querySelectorAll(arguments[0])]"
                                + ".map(e => e.getAttribute(arguments[1]));",
                        css,
                        name);
    }

    long number(String css, String name) {
        String value = attribute(css, name);
        return value.isBlank() || value.equals("null") ? -1 : Long.parseLong(value);
    }

    /** Lays the page out at {@code size} CSS pixels (a phone width is a mobile viewport). */
    void size(Dimension size) {
        driver.executeCdpCommand(
                "Emulation.setDeviceMetricsOverride",
                Map.of(
                        "width",
                        size.width,
                        "height",
                        size.height,
                        "deviceScaleFactor",
                        1,
                        "mobile",
                        size.width < 600));
    }

    /** Saves the page as {@code target/screenshots/NAME.png}. */
    Path screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path file = SCREENSHOTS.resolve(name + ".png");
            Path shot = driver.getScreenshotAs(OutputType.FILE).toPath();
            Files.copy(shot, file, StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every console entry since the last call, at any level, as "LEVEL message". */
    List<String> console() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .map(e -> e.getLevel() + " " + e.getMessage())
                .toList();
    }

    /**
     * Errors of the page's own scripts since the last call: the console's errors without Chromium's
     * notes of refused requests and handshakes, which a test may cause on purpose.
     */
    List<String> scriptErrors() {
        return scriptErrors(console());
    }

    static List<String> scriptErrors(List<String> consoleEntries) {
        return consoleEntries.stream()
                .filter(m -> m.startsWith(Level.SEVERE + " "))
                .filter(m -> !m.contains("Failed to load resource"))
                .filter(m -> !m.contains("WebSocket connection to"))
                .toList();
    }

    @Override
    public void close() {
        driver.quit();
    }
}
