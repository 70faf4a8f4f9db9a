package io.sonde.testing;

import io.sonde.client.device.DeviceSocket;
import io.sonde.client.device.Frame;
import io.sonde.client.device.WireFormat;
import io.sonde.proto.v1.Downlink;
import io.sonde.proto.v1.Uplink;
import java.net.URI;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A device for tests: the project's {@link DeviceSocket} with every downlink kept in arrival order
 * and the close code kept, so that a test can wait for what a device would see. Holds at most
 * 10,000 unread downlinks; beyond that {@link #next()} fails the test.
 */
public final class TestDevice implements DeviceSocket.Listener, AutoCloseable {
    private static final long WAIT_SECONDS = 30;
    // Far more replies than any test's batches; past it the device fails the test, never grows.
    private static final int MAX_UNREAD = 10_000;

    private final BlockingQueue<Downlink> downlinks = new LinkedBlockingQueue<>(MAX_UNREAD);
    private volatile boolean overflowed;
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private volatile String closeReason = "";
    private DeviceSocket socket;

    private TestDevice() {}

    /** Connects to {@code ws://127.0.0.1:PORT/v1/ingest} with {@code token} as a Bearer header. */
    public static TestDevice connect(int port, String token) {
        return open(DeviceSocket.to(ingest(port)).token(token));
    }

    /** Connects without any token. */
    public static TestDevice connectWithoutToken(int port) {
        return open(DeviceSocket.to(ingest(port)));
    }

    /** Connects with a fully set-up builder (headers, format). */
    public static TestDevice open(DeviceSocket.Builder builder) {
        TestDevice device = new TestDevice();
        device.socket = builder.connect(device).join();
        return device;
    }

    /** The ingest WebSocket URI of a gateway on 127.0.0.1. */
    public static URI ingest(int port) {
        return URI.create("ws://127.0.0.1:" + port + "/v1/ingest");
    }

    /** Sends {@code uplink} as protobuf and waits until it is handed to the socket. */
    public void send(Uplink uplink) {
        socket.send(WireFormat.PROTOBUF.encode(uplink)).join();
    }

    /** Sends {@code uplink} in the proto3 JSON mapping, on a text frame. */
    public void sendJson(Uplink uplink) {
        socket.send(WireFormat.JSON.encode(uplink)).join();
    }

    /** Sends arbitrary bytes on a binary frame. */
    public void sendBytes(byte[] bytes) {
        socket.send(Frame.binary(bytes)).join();
    }

    /** Sends arbitrary text on a text frame. */
    public void sendText(String raw) {
        socket.send(Frame.text(raw)).join();
    }

    /** The next downlink, waiting up to 30 s. */
    public Downlink next() throws InterruptedException {
        if (overflowed) {
            throw new AssertionError("more than " + MAX_UNREAD + " downlinks were left unread");
        }
        Downlink d = downlinks.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        if (d == null) {
            throw new AssertionError(
                    "no downlink within "
                            + WAIT_SECONDS
                            + " s; close code: "
                            + closeCode.getNow(null));
        }
        return d;
    }

    /** Downlinks received and not yet taken by {@link #next()}. */
    public int pending() {
        return downlinks.size();
    }

    /** The close code the gateway sent, waiting up to 30 s. */
    public int awaitClose() throws Exception {
        return closeCode.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    /** The reason of the close frame, once closed. */
    public String closeReason() {
        return closeReason;
    }

    public boolean isClosed() {
        return closeCode.isDone();
    }

    /** Drops the TCP connection without a close frame, as a device losing power would. */
    public void abort() {
        socket.abort();
    }

    @Override
    public void downlink(DeviceSocket s, Downlink downlink) {
        if (!downlinks.offer(downlink)) {
            overflowed = true;
        }
    }

    @Override
    public void unreadable(DeviceSocket s, String problem) {
        throw new AssertionError("gateway sent a bad Downlink: " + problem);
    }

    @Override
    public void closed(DeviceSocket s, int code, String reason) {
        closeReason = reason;
        closeCode.complete(code);
    }

    @Override
    public void close() {
        socket.close();
        socket.abort();
    }
}
