package io.sonde.bench.connections;

import io.sonde.bench.BenchException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Which loopback source addresses (127.0.0.2, 127.0.0.3, ...) the clients bind to. A client socket
 * bound before connect takes an ephemeral port from {@code ip_local_port_range} per source address,
 * so one address holds at most that many connections, fewer while the previous round's sockets sit
 * in TIME_WAIT (the client closed first). Each address is therefore given at most half the range,
 * and each round takes a fresh block of addresses.
 */
public record SourceAddresses(int portRangeSize, int perAddress) {
    private static final Path PORT_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    private static final int FALLBACK_RANGE = 60999 - 32768 + 1;
    private static final int FIRST_HOST = 2;
    private static final int LAST_HOST = 254;

    /** Reads this machine's ephemeral port range. */
    public static SourceAddresses detect() {
        int range = FALLBACK_RANGE;
        try {
            String[] parts = Files.readString(PORT_RANGE).trim().split("\\s+");
            range = Integer.parseInt(parts[1]) - Integer.parseInt(parts[0]) + 1;
        } catch (IOException | RuntimeException e) {
            // Not Linux, or unreadable: assume the Linux default range.
        }
        return new SourceAddresses(range, Math.max(1, range / 2));
    }

    /** How many addresses {@code connections} need. */
    public int addressesFor(int connections) {
        return Math.max(1, (connections + perAddress - 1) / perAddress);
    }

    /**
     * The addresses for round {@code round} (0-based): a block of {@link #addressesFor} addresses
     * after the previous rounds' blocks, wrapping inside 127.0.0.2..127.0.0.254.
     */
    public List<InetAddress> forRound(int connections, int round) {
        int count = addressesFor(connections);
        int hosts = LAST_HOST - FIRST_HOST + 1;
        if (count > hosts) {
            throw new BenchException(
                    connections + " connections need more than " + hosts + " addresses");
        }
        List<InetAddress> addresses = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int host = FIRST_HOST + (round * count + i) % hosts;
            try {
                addresses.add(InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) host}));
            } catch (UnknownHostException e) {
                throw new BenchException("bad loopback address 127.0.0." + host, e);
            }
        }
        return addresses;
    }
}
