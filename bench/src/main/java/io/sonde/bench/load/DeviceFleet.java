package io.sonde.bench.load;

import io.sonde.bench.BenchException;
import io.sonde.devtools.TokenIssuer;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Many {@link BenchDevice}s from one JVM, spread over source addresses 127.0.0.1, 127.0.0.2, ...
 * (one HTTP client, so one selector thread, per address) so that one address pair's ephemeral ports
 * never run out. Device {@code i} is named {@code prefix + i} and holds a device token.
 */
public final class DeviceFleet implements AutoCloseable {
    private static final int CONNECT_CONCURRENCY = 64;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration TOKEN_TTL = Duration.ofHours(2);

    private final List<HttpClient> clients;
    private final List<BenchDevice> devices;

    private DeviceFleet(List<HttpClient> clients, List<BenchDevice> devices) {
        this.clients = clients;
        this.devices = devices;
    }

    /**
     * Connects {@code count} devices to {@code ingest}, {@value #CONNECT_CONCURRENCY} handshakes at
     * a time; fails when any cannot connect.
     */
    public static DeviceFleet connect(
            URI ingest,
            TokenIssuer issuer,
            String prefix,
            int count,
            int sourceAddresses,
            BenchDevice.Events events) {
        List<HttpClient> clients = new ArrayList<>();
        for (int a = 1; a <= sourceAddresses; a++) {
            clients.add(
                    HttpClient.newBuilder()
                            .localAddress(loopback(a))
                            .connectTimeout(Duration.ofSeconds(10))
                            .build());
        }
        List<BenchDevice> devices = new ArrayList<>(count);
        try {
            for (int from = 0; from < count; from += CONNECT_CONCURRENCY) {
                List<CompletableFuture<BenchDevice>> wave = new ArrayList<>();
                for (int i = from; i < Math.min(count, from + CONNECT_CONCURRENCY); i++) {
                    String id = prefix + i;
                    wave.add(
                            BenchDevice.connect(
                                    clients.get(i % clients.size()),
                                    ingest,
                                    id,
                                    issuer.device(id, TOKEN_TTL),
                                    events));
                }
                for (CompletableFuture<BenchDevice> f : wave) {
                    devices.add(f.get(CONNECT_TIMEOUT.toSeconds(), TimeUnit.SECONDS));
                }
            }
            return new DeviceFleet(clients, devices);
        } catch (ExecutionException | TimeoutException e) {
            new DeviceFleet(clients, devices).close();
            throw new BenchException(
                    "device " + devices.size() + " of " + count + " could not connect", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            new DeviceFleet(clients, devices).close();
            throw new BenchException("interrupted while connecting devices", e);
        }
    }

    public List<BenchDevice> devices() {
        return devices;
    }

    public int size() {
        return devices.size();
    }

    /** Batches sent and not answered, over all devices. */
    public int inFlight() {
        return devices.stream().mapToInt(BenchDevice::inFlight).sum();
    }

    /** Devices still sending (not rejected, not closed). */
    public long usable() {
        return devices.stream().filter(BenchDevice::usable).count();
    }

    /** Aborts every connection and stops the HTTP clients. */
    @Override
    public void close() {
        devices.forEach(BenchDevice::abort);
        clients.forEach(HttpClient::shutdownNow);
    }

    private static InetAddress loopback(int n) {
        try {
            return InetAddress.getByAddress(
                    new byte[] {127, 0, (byte) (n / 256), (byte) (n % 256)});
        } catch (UnknownHostException e) {
            throw new BenchException("bad loopback address 127.0.x." + n, e);
        }
    }
}
