package io.sonde.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.sonde.devtools.DevKeys;
import io.sonde.devtools.TokenIssuer;
import io.sonde.ingest.config.IngestConfig;
import io.sonde.ingest.kafka.TelemetryWriter;
import io.sonde.ingest.transport.ConnectionRegistry;
import io.sonde.platform.security.TokenVerifier;
import io.sonde.proto.v1.Ack;
import io.sonde.proto.v1.Downlink;
import io.sonde.proto.v1.Reading;
import io.sonde.proto.v1.TelemetryBatch;
import io.sonde.proto.v1.TelemetryRecord;
import io.sonde.proto.v1.Uplink;
import io.sonde.testing.TestDevice;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fuzzing run against the gateway's whole route table on a real server: 10,000 random and mutated
 * frames (random bytes, flipped and truncated batches, oversized messages, other message types,
 * deep nesting, bad UTF-8 in text and in protobuf strings, huge maps, broken JSON) from one device,
 * reconnecting whenever the gateway closes it, while another device streams. Each frame's outcome
 * is predicted by parsing it as the gateway must: a reply for an {@code Uplink}, close 1007 for
 * what is none, 1009 for what is too large, 1008 for a refresh with a bad token. The other device
 * must lose nothing. The writer completes every write at once and records what it got.
 */
@Timeout(180)
class IngestFuzzTest {
    private static final int FRAMES = 10_000;
    private static final int MAX_MESSAGE = 4096;
    private static final JsonFormat.Parser JSON = JsonFormat.parser().ignoringUnknownFields();

    @TempDir Path keyDir;
    private TokenIssuer issuer;
    private final RecordingWriter writer = new RecordingWriter();
    private ConnectionRegistry connections;
    private RoutingServer gateway;

    /** Durable at once; remembers every reading by device. */
    private static final class RecordingWriter implements TelemetryWriter {
        final Map<String, List<Long>> written = Collections.synchronizedMap(new TreeMap<>());

        @Override
        public CompletableFuture<Void> write(
                String deviceId, TelemetryBatch batch, List<byte[]> wire, long now) {
            List<Long> seqs = written.computeIfAbsent(deviceId, d -> new ArrayList<>());
            synchronized (seqs) {
                batch.getReadingsList().forEach(r -> seqs.add(r.getSeq()));
            }
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void flush() {}
    }

    @BeforeEach
    void start() {
        issuer = DevKeys.loadOrCreate(keyDir).issuer();
        IngestConfig config =
                IngestConfig.create(
                        Config.just(
                                ConfigSources.create(
                                        Map.of(
                                                "max-message-bytes",
                                                Integer.toString(MAX_MESSAGE),
                                                "close-linger",
                                                "200ms",
                                                // No budget can run out: the good device
                                                // streams as fast as the machine lets it
                                                // (a fast one exceeds the 1 MiB/s default).
                                                "rate-limit.readings-per-second",
                                                "100000000",
                                                "rate-limit.readings-burst",
                                                "100000000",
                                                "rate-limit.bytes-per-second",
                                                "1000000000",
                                                "rate-limit.bytes-burst",
                                                "1000000000"))));
        gateway =
                new RoutingServer(
                        config,
                        TokenVerifier.of(DevKeys.loadOrCreate(keyDir).publicKeys()),
                        writer);
        connections = gateway.connections();
    }

    @AfterEach
    void stop() {
        gateway.close();
    }

    @Test
    void tenThousandBadFramesCrashNothingGetTheirCodesAndCostTheOtherDeviceNothing()
            throws Exception {
        AtomicBoolean fuzzing = new AtomicBoolean(true);
        CompletableFuture<Long> good = CompletableFuture.supplyAsync(() -> stream(fuzzing));
        Map<String, Integer> outcomes = new TreeMap<>();
        Random random = new Random(20261201);
        try (Fuzzer fuzzer = new Fuzzer()) {
            for (int i = 0; i < FRAMES; i++) {
                Fuzz frame = frame(random, i);
                String expected = expect(frame);
                String got = fuzzer.send(frame);
                assertThat(got)
                        .as(
                                "frame %d (%s): %s",
                                i, frame.text() ? "text" : "binary", describe(frame))
                        .isEqualTo(expected);
                outcomes.merge(got, 1, Integer::sum);
            }
        } finally {
            fuzzing.set(false);
        }
        long lastSeq = good.get(60, TimeUnit.SECONDS);

        assertThat(outcomes).containsKeys("reply", "close 1007", "close 1009");
        assertThat(writer.written.get("dev-good"))
                .as("the streaming device's readings, each once, in order")
                .isEqualTo(seqsUpTo(lastSeq));
        await().atMost(Duration.ofSeconds(10)).until(() -> connections.size() == 0);
    }

    // The good device: batches of 5, one in flight, each acknowledged before the next.
    private long stream(AtomicBoolean fuzzing) {
        try (TestDevice dev =
                TestDevice.connect(
                        gateway.port(), issuer.device("dev-good", Duration.ofMinutes(10)))) {
            long seq = 0;
            while (fuzzing.get()) {
                dev.send(Readings.batch(seq + 1, 5));
                seq += 5;
                Downlink reply = dev.next();
                assertThat(reply.hasAck()).as("reply to batch up to %d: %s", seq, reply).isTrue();
                assertThat(reply.getAck().getSeq()).isEqualTo(seq);
            }
            return seq;
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Long> seqsUpTo(long last) {
        List<Long> seqs = new ArrayList<>();
        for (long s = 1; s <= last; s++) {
            seqs.add(s);
        }
        return seqs;
    }

    /** One message as the fuzzer sends it: any bytes, on a text or a binary frame. */
    private record Fuzz(boolean text, byte[] bytes) {
        static Fuzz binary(byte[] bytes) {
            return new Fuzz(false, bytes);
        }

        static Fuzz text(String text) {
            return new Fuzz(true, text.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** One fuzzing device on a bare socket: a connection at a time, a new one after each close. */
    private final class Fuzzer implements AutoCloseable {
        private RawDevice socket;

        String send(Fuzz fuzz) throws IOException {
            if (socket == null) {
                socket =
                        RawDevice.connect(
                                gateway.port(), issuer.device("dev-fuzz", Duration.ofMinutes(10)));
            }
            try {
                if (fuzz.text()) {
                    socket.sendText(fuzz.bytes());
                } else {
                    socket.sendBinary(fuzz.bytes());
                }
            } catch (IOException e) {
                // The gateway may close while a large frame is still going out; its close
                // frame, if it came, is still there to read.
            }
            String event = socket.nextEvent();
            if (event.startsWith("close")) {
                socket.close();
                socket = null;
            }
            return event;
        }

        @Override
        public void close() throws IOException {
            if (socket != null) {
                socket.close();
            }
        }
    }

    private long nextSeq = 1;

    private long nextSeq(int count) {
        long first = nextSeq;
        nextSeq += count;
        return first;
    }

    // What the gateway must do with a frame, found the way it must find it.
    private static String expect(Fuzz frame) {
        byte[] bytes = frame.bytes();
        if (bytes.length > MAX_MESSAGE) {
            return "close 1009";
        }
        Uplink uplink;
        try {
            uplink =
                    frame.text()
                            ? json(new String(bytes, StandardCharsets.UTF_8))
                            : Uplink.parseFrom(bytes);
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            return "close 1007";
        }
        return uplink.hasTokenRefresh() ? "close 1008" : "reply";
    }

    private static Uplink json(String text) throws InvalidProtocolBufferException {
        Uplink.Builder b = Uplink.newBuilder();
        JSON.merge(text, b);
        return b.build();
    }

    private Fuzz frame(Random random, int i) throws IOException {
        byte[] valid = validBatch(random).toByteArray();
        return switch (random.nextInt(10)) {
            case 0 -> Fuzz.binary(randomBytes(random, 1 + random.nextInt(600)));
            case 1 -> Fuzz.binary(mutate(random, valid));
            case 2 -> Fuzz.binary(Arrays.copyOf(valid, 1 + random.nextInt(valid.length)));
            case 3 -> Fuzz.binary(randomBytes(random, MAX_MESSAGE + 1 + random.nextInt(3000)));
            case 4 -> Fuzz.binary(otherType(random));
            case 5 -> Fuzz.binary(deeplyNested(50 + random.nextInt(200)));
            case 6 -> badUtf8(random, i);
            case 7 -> Fuzz.binary(hugeMap(random));
            case 8 -> Fuzz.text(mutateText(random, JsonFormat.printer().print(validBatch(random))));
            default -> Fuzz.binary(valid);
        };
    }

    private Uplink validBatch(Random random) {
        int n = 1 + random.nextInt(5);
        long first = nextSeq(n);
        Reading[] readings = new Reading[n];
        for (int k = 0; k < n; k++) {
            readings[k] = Readings.reading(first + k, random.nextDouble() * 40);
        }
        return Readings.of(readings);
    }

    private static byte[] randomBytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static byte[] mutate(Random random, byte[] valid) {
        byte[] b = valid.clone();
        for (int k = 0, flips = 1 + random.nextInt(5); k < flips; k++) {
            b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
        }
        if (random.nextBoolean()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(b);
            out.writeBytes(randomBytes(random, random.nextInt(20)));
            return out.toByteArray();
        }
        return b;
    }

    private static String mutateText(Random random, String json) {
        StringBuilder s = new StringBuilder(json);
        for (int k = 0, edits = 1 + random.nextInt(3); k < edits && s.length() > 0; k++) {
            int at = random.nextInt(s.length());
            switch (random.nextInt(3)) {
                case 0 -> s.deleteCharAt(at);
                case 1 -> s.insert(at, "{}[]\",:0-e\\".charAt(random.nextInt(11)));
                default -> s.setCharAt(at, (char) (32 + random.nextInt(95)));
            }
        }
        return s.toString();
    }

    // A valid protobuf message of another type: a record, or a Downlink.
    private static byte[] otherType(Random random) {
        if (random.nextBoolean()) {
            return TelemetryRecord.newBuilder()
                    .setDeviceId("someone-else")
                    .setSeq(random.nextInt(1000))
                    .putMetrics("t", 1)
                    .build()
                    .toByteArray();
        }
        return Downlink.newBuilder().setAck(Ack.newBuilder().setSeq(7)).build().toByteArray();
    }

    // Field 1, length-delimited, inside itself `depth` times.
    private static byte[] deeplyNested(int depth) throws IOException {
        byte[] inner = new byte[0];
        for (int d = 0; d < depth; d++) {
            inner = field(1, inner);
        }
        return inner;
    }

    // Bad UTF-8 on a text frame, or inside a protobuf string (an attribute value).
    private Fuzz badUtf8(Random random, int i) throws IOException {
        if (random.nextBoolean()) {
            byte[] json =
                    ("{\"batch\":{\"readings\":[{\"seq\":\"" + i + "\",\"metrics\":{\"t\":1}}]}}")
                            .getBytes(StandardCharsets.UTF_8);
            json[random.nextInt(json.length)] = (byte) 0xC3; // a lead byte without its follower
            return new Fuzz(true, json);
        }
        ByteArrayOutputStream entry = new ByteArrayOutputStream();
        CodedOutputStream e = CodedOutputStream.newInstance(entry);
        e.writeString(1, "site");
        e.writeBytes(2, ByteString.copyFrom(new byte[] {'a', (byte) 0xFF, (byte) 0xFE}));
        e.flush();
        ByteArrayOutputStream reading = new ByteArrayOutputStream();
        CodedOutputStream r = CodedOutputStream.newInstance(reading);
        r.writeUInt64(1, nextSeq(1));
        r.writeByteArray(4, entry.toByteArray()); // Reading.attributes
        r.flush();
        return Fuzz.binary(field(1, field(1, reading.toByteArray()))); // Uplink.batch.readings
    }

    private static byte[] field(int number, byte[] message) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CodedOutputStream coded = CodedOutputStream.newInstance(out);
        coded.writeByteArray(number, message);
        coded.flush();
        return out.toByteArray();
    }

    // A reading with hundreds of metrics: refused as invalid, the connection stays open.
    private byte[] hugeMap(Random random) {
        Reading.Builder r = Reading.newBuilder().setSeq(nextSeq(1));
        for (int k = 0, n = 65 + random.nextInt(200); k < n; k++) {
            r.putMetrics("m" + k, k);
        }
        return Readings.of(r.build()).toByteArray();
    }

    private static String describe(Fuzz frame) {
        byte[] b = frame.bytes();
        int shown = Math.min(b.length, 40);
        StringBuilder hex = new StringBuilder(b.length + " bytes:");
        for (int k = 0; k < shown; k++) {
            hex.append(String.format(" %02x", b[k]));
        }
        return hex.toString();
    }
}
