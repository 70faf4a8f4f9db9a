package io.sonde.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.DoublePredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads one gauge from a service's {@code /observe/metrics} (Prometheus text): how the bench sees
 * the service's own count of sessions, as an operator would.
 */
public final class MetricsScrape {
    private static final Duration POLL = Duration.ofMillis(100);

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI metrics;

    public MetricsScrape(URI metrics) {
        this.metrics = metrics;
    }

    /**
     * The sum of the samples of {@code name} (all tag sets).
     *
     * @throws BenchException when the endpoint cannot be read or has no such metric
     */
    public double value(String name) {
        String text;
        try {
            HttpRequest req =
                    HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(30)).build();
            text = http.send(req, HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new BenchException("cannot read " + metrics, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted reading " + metrics, e);
        }
        Matcher m =
                Pattern.compile(
                                "^" + Pattern.quote(name) + "(?:\\{[^}]*\\})?\\s+(\\S+)",
                                Pattern.MULTILINE)
                        .matcher(text);
        double sum = 0;
        boolean found = false;
        while (m.find()) {
            sum += Double.parseDouble(m.group(1));
            found = true;
        }
        if (!found) {
            throw new BenchException(metrics + " has no metric " + name);
        }
        return sum;
    }

    /**
     * Polls {@code name} until {@code done} holds or {@code timeout} passes.
     *
     * @return how long it took, or empty when it did not happen in time
     */
    public Optional<Duration> await(String name, DoublePredicate done, Duration timeout) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        while (true) {
            if (done.test(value(name))) {
                return Optional.of(Duration.ofNanos(System.nanoTime() - start));
            }
            if (System.nanoTime() > deadline) {
                return Optional.empty();
            }
            LockSupport.parkNanos(POLL.toNanos());
        }
    }
}
