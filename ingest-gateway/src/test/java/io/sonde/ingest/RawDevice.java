package io.sonde.ingest;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A device written apart from the project's clients, on a bare socket: it speaks just enough RFC
 * 6455 to misbehave in ways a WebSocket library would not allow, such as never reading, or sending
 * on after the gateway's close frame. Its receive buffer is small, so that a gateway writing to it
 * fills the socket soon.
 */
final class RawDevice implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;

    private RawDevice(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = new DataInputStream(socket.getInputStream());
    }

    /** Opens {@code /v1/ingest} with {@code token}; returns once the upgrade is answered 101. */
    static RawDevice connect(int port, String token) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(30_000);
        RawDevice device = new RawDevice(socket);
        String key = Base64.getEncoder().encodeToString(new byte[16]);
        String request =
                "GET /v1/ingest HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                        + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
                        + key
                        + "\r\nAuthorization: Bearer "
                        + token
                        + "\r\n\r\n";
        device.out.write(request.getBytes(StandardCharsets.US_ASCII));
        device.out.flush();
        String head = device.readHead();
        if (!head.startsWith("HTTP/1.1 101")) {
            throw new IOException("upgrade refused: " + head);
        }
        return device;
    }

    /** Sends one masked binary frame. */
    void sendBinary(byte[] payload) throws IOException {
        out.write(frame(0x82, payload));
        out.flush();
    }

    /** Sends one masked text frame. */
    void sendText(String text) throws IOException {
        out.write(frame(0x81, text.getBytes(StandardCharsets.UTF_8)));
        out.flush();
    }

    /** Sends one message in two masked frames: a first (binary or text) and a continuation. */
    void sendInTwoFrames(boolean text, byte[] message, int cut) throws IOException {
        out.write(frame(text ? 0x01 : 0x02, java.util.Arrays.copyOfRange(message, 0, cut)));
        out.write(frame(0x80, java.util.Arrays.copyOfRange(message, cut, message.length)));
        out.flush();
    }

    /** Sends one masked text frame of raw bytes, which need not be UTF-8. */
    void sendText(byte[] utf8OrNot) throws IOException {
        out.write(frame(0x81, utf8OrNot));
        out.flush();
    }

    /**
     * Waits for what the gateway does next: {@code "reply"} for a data frame, {@code "close N"} for
     * a close frame (answered with a close frame, as a device should), {@code "close 1006"} when
     * the connection ends without one. Pings are answered and skipped.
     */
    String nextEvent() throws IOException {
        while (true) {
            int first;
            byte[] payload;
            try {
                first = in.readUnsignedByte();
                payload = skipPayload();
            } catch (java.io.EOFException | java.net.SocketException e) {
                return "close 1006";
            }
            switch (first & 0x0f) {
                case 0x1, 0x2 -> {
                    return "reply";
                }
                case 0x8 -> {
                    int code = ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
                    out.write(frame(0x88, new byte[] {payload[0], payload[1]}));
                    out.flush();
                    return "close " + code;
                }
                case 0x9 -> out.write(frame(0x8A, payload));
                default -> {
                    // pong or continuation: nothing to do
                }
            }
        }
    }

    /** Reads the next frame and returns its opcode (1 text, 2 binary, 8 close). */
    int readOpcode() throws IOException {
        int first = in.readUnsignedByte();
        skipPayload();
        return first & 0x0f;
    }

    /**
     * Reads frames until a close frame and returns its code.
     *
     * @throws IOException when the connection ends without one (a reset, or EOF)
     */
    int readCloseCode() throws IOException {
        while (true) {
            int first = in.readUnsignedByte();
            byte[] payload = skipPayload();
            if ((first & 0x0f) == 0x8) {
                return ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
            }
        }
    }

    private byte[] skipPayload() throws IOException {
        long length = in.readUnsignedByte() & 0x7f;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        return in.readNBytes((int) length);
    }

    /** Whether the gateway ended the TCP connection: a read sees EOF or a reset. */
    boolean endedByGateway() {
        try {
            InputStream raw = socket.getInputStream();
            while (raw.read() >= 0) {
                // drain whatever was still in flight
            }
            return true;
        } catch (IOException e) {
            return !(e instanceof java.net.SocketTimeoutException);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private String readHead() throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed during the upgrade: " + head);
            }
            head.append((char) b);
        }
        return head.toString();
    }

    private static byte[] frame(int opcode, byte[] payload) {
        int header = payload.length < 126 ? 2 : payload.length < 65_536 ? 4 : 10;
        byte[] frame = new byte[header + 4 + payload.length];
        frame[0] = (byte) opcode;
        if (header == 2) {
            frame[1] = (byte) (0x80 | payload.length);
        } else if (header == 4) {
            frame[1] = (byte) (0x80 | 126);
            frame[2] = (byte) (payload.length >>> 8);
            frame[3] = (byte) payload.length;
        } else {
            frame[1] = (byte) (0x80 | 127);
            for (int i = 0; i < 8; i++) {
                frame[2 + i] = (byte) ((long) payload.length >>> (56 - 8 * i));
            }
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        System.arraycopy(mask, 0, frame, header, 4);
        for (int i = 0; i < payload.length; i++) {
            frame[header + 4 + i] = (byte) (payload[i] ^ mask[i % 4]);
        }
        return frame;
    }
}
