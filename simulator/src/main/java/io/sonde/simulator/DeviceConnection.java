package io.sonde.simulator;

import com.google.protobuf.InvalidProtocolBufferException;
import io.sonde.proto.v1.Downlink;
import java.io.ByteArrayOutputStream;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The listener of one WebSocket connection of one device: reassembles Downlink frames (either
 * encoding, whatever the device sends) and hands them to the device. A new instance per connection,
 * so that the device can tell a late callback of a lost connection from the current one.
 *
 * <p>Threading: the JDK calls one method at a time; each asks for exactly one more message, so a
 * slow device never buffers more than one frame.
 */
final class DeviceConnection implements WebSocket.Listener {
    private static final System.Logger LOG = System.getLogger(DeviceConnection.class.getName());

    private final VirtualDevice device;
    private final CompletableFuture<Void> finished = new CompletableFuture<>();
    private final ByteArrayOutputStream binary = new ByteArrayOutputStream();
    private final StringBuilder text = new StringBuilder();
    private volatile WebSocket socket;

    DeviceConnection(VirtualDevice device) {
        this.device = device;
    }

    /** Completes when the connection has closed, in whatever way. */
    CompletableFuture<Void> finished() {
        return finished;
    }

    void abort() {
        WebSocket ws = socket;
        if (ws != null) {
            ws.abort();
        }
        finished.complete(null);
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        socket = webSocket;
        device.opened(this, webSocket);
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        byte[] chunk = new byte[data.remaining()];
        data.get(chunk);
        binary.writeBytes(chunk);
        if (last) {
            byte[] frame = binary.toByteArray();
            binary.reset();
            try {
                deliver(WireFormat.decodeBinary(frame));
            } catch (InvalidProtocolBufferException e) {
                LOG.log(System.Logger.Level.WARNING, "{0}: not a Downlink: {1}", device.id(), e);
            }
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        text.append(data);
        if (last) {
            String frame = text.toString();
            text.setLength(0);
            try {
                deliver(WireFormat.decodeText(frame));
            } catch (InvalidProtocolBufferException e) {
                LOG.log(System.Logger.Level.WARNING, "{0}: not a Downlink: {1}", device.id(), e);
            }
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        device.lost(this, statusCode, reason);
        finished.complete(null);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        device.lost(this, VirtualDevice.CLOSE_ABNORMAL, String.valueOf(error));
        finished.complete(null);
    }

    private void deliver(Downlink downlink) {
        switch (downlink.getBodyCase()) {
            case ACK -> device.acked(downlink.getAck().getSeq());
            case ERROR ->
                    device.rejected(
                            downlink.getError().getCode(),
                            downlink.getError().getSeq(),
                            Integer.toUnsignedLong(downlink.getError().getRetryAfterMs()),
                            downlink.getError().getMessage());
            case BODY_NOT_SET -> LOG.log(System.Logger.Level.DEBUG, "empty Downlink");
        }
    }
}
