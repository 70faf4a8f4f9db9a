package io.sonde.bench.fanout;

import io.sonde.bench.BenchException;
import io.sonde.bench.connections.IngestGatewayJvm;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The baseline: the seed's reference Node server ({@code bench/node-peer/server.js}: express + ws
 * 8, each message sent to every OPEN client), installed with {@code npm install} and run as {@code
 * node server.js PORT}. The publisher is one more WebSocket client; the server echoes to it too, as
 * the reference does, and it discards what it gets back.
 */
final class NodeTarget implements FanoutTarget {
    private static final System.Logger LOG = System.getLogger(NodeTarget.class.getName());
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Process node;
    private final URI ws;

    private NodeTarget(Process node, int port) {
        this.node = node;
        this.ws = URI.create("ws://127.0.0.1:" + port + "/");
    }

    /** Installs the peer's packages when missing, starts it and waits until it answers. */
    static NodeTarget start(Path peerDir, Path log) {
        install(peerDir);
        int port = IngestGatewayJvm.freePort();
        try {
            Process node =
                    new ProcessBuilder("node", "server.js", Integer.toString(port))
                            .directory(peerDir.toFile())
                            .redirectErrorStream(true)
                            .redirectOutput(log.toFile())
                            .start();
            NodeTarget target = new NodeTarget(node, port);
            try {
                target.awaitHealthy(URI.create("http://127.0.0.1:" + port + "/health"), log);
            } catch (RuntimeException e) {
                target.close();
                throw e;
            }
            return target;
        } catch (IOException e) {
            throw new BenchException("cannot start node (is Node.js installed?)", e);
        }
    }

    static String version() {
        return run(List.of("node", "--version"), Path.of("."), Duration.ofSeconds(10)).trim();
    }

    private static void install(Path peerDir) {
        if (!Files.exists(peerDir.resolve("server.js"))) {
            throw new BenchException("no Node peer at " + peerDir.toAbsolutePath());
        }
        if (Files.isDirectory(peerDir.resolve("node_modules/ws"))
                && Files.isDirectory(peerDir.resolve("node_modules/express"))) {
            return;
        }
        LOG.log(System.Logger.Level.INFO, () -> "npm install in " + peerDir);
        run(List.of("npm", "install", "--no-audit", "--no-fund"), peerDir, INSTALL_TIMEOUT);
    }

    private static String run(List<String> command, Path dir, Duration timeout) {
        try {
            Process p =
                    new ProcessBuilder(command)
                            .directory(dir.toFile())
                            .redirectErrorStream(true)
                            .start();
            CompletableFuture<String> out =
                    CompletableFuture.supplyAsync(() -> {
                        try {
                            return new String(p.getInputStream().readAllBytes());
                        } catch (IOException e) {
                            return "";
                        }
                    });
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new BenchException(
                        String.join(" ", command) + " took longer than " + timeout);
            }
            if (p.exitValue() != 0) {
                throw new BenchException(String.join(" ", command) + " failed: " + out.join());
            }
            return out.join();
        } catch (IOException e) {
            throw new BenchException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted: " + String.join(" ", command), e);
        }
    }

    private void awaitHealthy(URI health, Path log) {
        // HTTP/1.1: the default h2c upgrade header would be taken by the ws server's upgrade hook.
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!node.isAlive()) {
                throw new BenchException("node exited with " + node.exitValue() + "; see " + log);
            }
            try {
                HttpRequest req =
                        HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(2)).build();
                if (http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BenchException("interrupted while waiting for node", e);
            }
            io.sonde.bench.connections.ServiceJvm.pause(Duration.ofMillis(200));
        }
        throw new BenchException(
                "node peer not answering within " + START_TIMEOUT + "; see " + log);
    }

    @Override
    public String name() {
        return "node-peer (ws)";
    }

    long pid() {
        return node.pid();
    }

    @Override
    public StreamSubscribers.Opener subscriber() {
        return StreamSubscribers.webSocket(ws, "");
    }

    @Override
    public Publisher publisher() {
        return new WsPublisher(ws);
    }

    @Override
    public long serverCpuNanos() {
        return node.info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
    }

    @Override
    public void close() {
        node.destroy();
        try {
            if (!node.waitFor(10, TimeUnit.SECONDS)) {
                node.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            node.destroyForcibly();
        }
    }

    /**
     * The publishing client. The JDK WebSocket allows one outstanding send, so each send is chained
     * after the previous one; {@link #publish} itself never blocks.
     */
    private static final class WsPublisher implements Publisher, WebSocket.Listener {
        private final HttpClient client = HttpClient.newHttpClient();
        private final LongAdder failed = new LongAdder();
        private final WebSocket socket;
        private CompletableFuture<?> last = CompletableFuture.completedFuture(null);

        WsPublisher(URI uri) {
            this.socket =
                    client.newWebSocketBuilder()
                            .connectTimeout(Duration.ofSeconds(30))
                            .buildAsync(uri, this)
                            .join();
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(Long.MAX_VALUE);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            return null; // our own message, echoed back by the broadcast
        }

        @Override
        public void publish(long seq, long intendedNanos) {
            String message = Payloads.json(seq, intendedNanos);
            last =
                    last.exceptionally(e -> null)
                            .thenCompose(x -> socket.sendText(message, true))
                            .whenComplete((w, e) -> {
                                if (e != null) {
                                    failed.increment();
                                }
                            });
        }

        @Override
        public long failed() {
            return failed.sum();
        }

        @Override
        public void close() {
            try {
                last.get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                failed.increment();
            }
            socket.abort();
            client.shutdownNow();
        }
    }
}
