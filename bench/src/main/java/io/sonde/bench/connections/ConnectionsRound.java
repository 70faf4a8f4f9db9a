package io.sonde.bench.connections;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * One round of the connections scenario: the gateway measured at 0 connections, with the fleet
 * connected and idle, and at 0 again after the fleet dropped.
 *
 * @param round 1, 2, ...
 * @param sourceAddresses how many client source addresses the round used
 * @param connected handshakes that succeeded
 * @param failed handshakes that failed
 * @param failures the first few distinct failures with counts
 * @param closedByServer connections the gateway closed while idle (should be 0)
 * @param before the gateway at 0 connections before the round
 * @param loaded the gateway with the fleet connected and idle
 * @param after the gateway once the drop was handled, or at the bound (the next round's "before")
 * @param gaugeLoaded the gateway's {@code sonde_ingest_connections} gauge while loaded (NaN: lost)
 * @param socketsClosed how long after the drop the gateway held no client socket any more; empty
 *     when it still held some at the bound
 * @param sessionsReleased how long after the drop no {@code DeviceConnection} and no Helidon {@code
 *     WsConnection} was live any more (class histogram after a full GC); empty when some still were
 *     at the bound
 */
public record ConnectionsRound(
        int round,
        int sourceAddresses,
        int connected,
        int failed,
        Map<String, Integer> failures,
        int closedByServer,
        Footprint before,
        Footprint loaded,
        Footprint after,
        double gaugeLoaded,
        Optional<Duration> socketsClosed,
        Optional<Duration> sessionsReleased) {
    /** The gateway's session object, one per device connection. */
    public static final String SESSION_CLASS = "io.sonde.ingest.transport.DeviceConnection";

    /** Helidon's WebSocket connection object, one per upgraded connection. */
    public static final String HELIDON_WS_CLASS = "io.helidon.webserver.websocket.WsConnection";

    /** Sessions live after the drop: device connections, or Helidon connections if more. */
    public long sessionsLeft() {
        return Math.max(after.instances(SESSION_CLASS), after.instances(HELIDON_WS_CLASS));
    }

    /** Live heap bytes per connection: loaded minus the mean of the two empty measurements. */
    public double liveBytesPerConnection() {
        return perConnection(loaded.liveBytes(), before.liveBytes(), after.liveBytes());
    }

    /** Heap used per connection after {@code GC.run} (G1's view, region-granular). */
    public double heapUsedPerConnection() {
        return perConnection(loaded.heapUsedBytes(), before.heapUsedBytes(), after.heapUsedBytes());
    }

    /** Resident memory per connection (heap, native buffers, thread stacks; not socket buffers). */
    public double rssPerConnection() {
        return perConnection(loaded.rssBytes(), before.rssBytes(), after.rssBytes());
    }

    private double perConnection(long loadedValue, long beforeValue, long afterValue) {
        int n = loaded.connections();
        return n == 0 ? Double.NaN : (loadedValue - (beforeValue + afterValue) / 2.0) / n;
    }
}
