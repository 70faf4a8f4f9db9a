package io.sonde.bench.ingest;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An OTLP/HTTP traces endpoint on loopback that reads every export and answers 200 with an empty
 * {@code ExportTraceServiceResponse}, counting requests and bytes: the collector stand-in for the
 * tracing-on rounds, so that they pay for what a real export costs the gateway (encoding, the batch
 * processor's thread, an HTTP request per batch) and nothing the collector does.
 */
final class OtlpSink implements AutoCloseable {
    private final HttpServer server;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();

    private OtlpSink(HttpServer server) {
        this.server = server;
    }

    static OtlpSink start() throws IOException {
        HttpServer server =
                HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        OtlpSink sink = new OtlpSink(server);
        server.createContext(
                "/v1/traces",
                exchange -> {
                    try (InputStream body = exchange.getRequestBody()) {
                        sink.bytes.addAndGet(body.transferTo(OutputStream.nullOutputStream()));
                    }
                    sink.requests.incrementAndGet();
                    exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
                    exchange.sendResponseHeaders(200, -1);
                    exchange.close();
                });
        server.start();
        return sink;
    }

    /** The base URL, as {@code otel.exporter.otlp.endpoint} wants it. */
    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    long requests() {
        return requests.get();
    }

    long bytes() {
        return bytes.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
