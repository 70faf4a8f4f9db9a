package io.sonde.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Reads a service's {@code /observe/metrics} as Prometheus would: what an operator sees. */
public final class Metrics {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private Metrics() {}

    /** The whole Prometheus text of the service on 127.0.0.1:{@code port}. */
    public static String scrape(int port) {
        try {
            return HTTP.send(
                            HttpRequest.newBuilder(
                                            URI.create(
                                                    "http://127.0.0.1:"
                                                            + port
                                                            + "/observe/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The value of the first sample of {@code name} (Prometheus spelling, e.g. {@code
     * sonde_push_sessions}).
     *
     * @throws AssertionError when the service does not expose it
     */
    public static double value(int port, String name) {
        String text = scrape(port);
        return text.lines()
                .filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " in " + text));
    }

    /** The sum of every sample of {@code name}, e.g. a gauge over all its tags; 0 when absent. */
    public static double sum(int port, String name) {
        return scrape(port)
                .lines()
                .filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }
}
