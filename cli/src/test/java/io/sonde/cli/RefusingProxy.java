package io.sonde.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A small HTTP reverse proxy on loopback in front of the push gateway that refuses chosen paths
 * with a 403, as a corporate proxy that does not pass WebSockets (or event streams) would. Every
 * other request goes through unchanged, WebSocket upgrades included; plain requests are sent
 * upstream with {@code Connection: close}, so each request comes on a connection of its own and is
 * checked (a kept-alive connection would carry later requests past the check).
 *
 * <p>Headless Chromium's own URL blocking (DevTools {@code Network.setBlockedURLs}) does not stop
 * WebSockets, hence a proxy in the real network path.
 */
final class RefusingProxy implements AutoCloseable {
    private static final int MAX_HEAD = 64 * 1024;

    private final int upstreamPort;
    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile List<String> refused = List.of();

    RefusingProxy(int upstreamPort) throws IOException {
        this.upstreamPort = upstreamPort;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread.ofVirtual().name("proxy-accept").start(this::accept);
    }

    int port() {
        return server.getLocalPort();
    }

    /** From now on, requests whose path starts with one of these get a 403. */
    void refuse(String... pathPrefixes) {
        refused = List.of(pathPrefixes);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                open.add(client);
                Thread.ofVirtual().start(() -> serve(client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            String head = readHead(client.getInputStream());
            if (head.isEmpty()) {
                return;
            }
            String path = head.split(" ", 3)[1];
            if (refused.stream().anyMatch(path::startsWith)) {
                client.getOutputStream()
                        .write(
                                "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                                        .getBytes(StandardCharsets.US_ASCII));
                return;
            }
            // Upstream only now: a refused path gets its 403 even while the gateway is down.
            try (Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort)) {
                open.add(upstream);
                boolean upgrade = head.toLowerCase(Locale.ROOT).contains("\r\nupgrade: websocket");
                upstream.getOutputStream()
                        .write(
                                (upgrade ? head : closing(head))
                                        .getBytes(StandardCharsets.ISO_8859_1));
                Thread back = Thread.ofVirtual().start(() -> pipe(upstream, client));
                pipe(client, upstream);
                back.join();
            }
        } catch (IOException | InterruptedException e) {
            // The browser or the gateway went away: so does this connection.
        } finally {
            open.removeIf(Socket::isClosed);
        }
    }

    /** The request head with its Connection header replaced by {@code Connection: close}. */
    private static String closing(String head) {
        StringBuilder sb = new StringBuilder();
        for (String line : head.split("\r\n")) {
            if (!line.toLowerCase(Locale.ROOT).startsWith("connection:") && !line.isEmpty()) {
                sb.append(line).append("\r\n");
            }
        }
        return sb.append("Connection: close\r\n\r\n").toString();
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (head.size() < MAX_HEAD) {
            int b = in.read();
            if (b < 0) {
                return "";
            }
            head.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
            if (matched == 4) {
                return head.toString(StandardCharsets.ISO_8859_1);
            }
        }
        throw new IOException("request head over " + MAX_HEAD + " bytes");
    }

    private static void pipe(Socket from, Socket to) {
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            byte[] buffer = new byte[16 * 1024];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
                out.flush();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            try {
                to.close();
                from.close();
            } catch (IOException ignored) {
                // already closing
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : open) {
            s.close();
        }
    }
}
