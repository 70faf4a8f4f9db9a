package io.sonde.push.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataWriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WsFrameWriterTest {
    /** Records each write call's bytes, as the socket would receive them. */
    private static final class Wire implements DataWriter {
        final List<byte[]> writes = new ArrayList<>();

        @Override
        public void write(BufferData... buffers) {
            throw new AssertionError("the frame writer writes now, never queues");
        }

        @Override
        public void write(BufferData buffer) {
            throw new AssertionError("the frame writer writes now, never queues");
        }

        @Override
        public void writeNow(BufferData... buffers) {
            throw new AssertionError("one buffer per write");
        }

        @Override
        public void writeNow(BufferData buffer) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            buffer.writeTo(out);
            writes.add(out.toByteArray());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 125, 126, 127, 65_535, 65_536, 70_000})
    void framesATextMessageOfEveryLengthClass(int length) {
        String message = "x".repeat(length);

        byte[] frame = WsFrameWriter.text(message);

        assertThat(frame[0] & 0xFF).as("FIN + text opcode").isEqualTo(0x81);
        assertThat(frame[1] & 0x80).as("server frames are not masked").isZero();
        int header;
        long declared;
        int len7 = frame[1] & 0x7F;
        if (length < 126) {
            header = 2;
            declared = len7;
        } else if (length < 65_536) {
            assertThat(len7).isEqualTo(126);
            header = 4;
            declared = ((frame[2] & 0xFF) << 8) | (frame[3] & 0xFF);
        } else {
            assertThat(len7).isEqualTo(127);
            header = 10;
            declared = 0;
            for (int i = 2; i < 10; i++) {
                declared = (declared << 8) | (frame[i] & 0xFF);
            }
        }
        assertThat(declared).isEqualTo(length);
        assertThat(frame).hasSize(header + length);
        assertThat(new String(frame, header, length, StandardCharsets.UTF_8)).isEqualTo(message);
    }

    @Test
    void countsTheLengthInUtf8Bytes() {
        byte[] frame = WsFrameWriter.text("\u00e9\u20ac"); // 2 + 3 bytes in UTF-8

        assertThat(frame[1]).isEqualTo((byte) 5);
        assertThat(frame).hasSize(7);
    }

    @Test
    void writesABatchInOneWriteInOrder() {
        Wire wire = new Wire();
        List<byte[]> frames =
                List.of(WsFrameWriter.text("a"), WsFrameWriter.text("bb"), WsFrameWriter.text("c"));

        new WsFrameWriter(wire).write(frames);

        assertThat(wire.writes).hasSize(1);
        assertThat(wire.writes.get(0)).isEqualTo(concat(frames));
    }

    @Test
    void splitsABatchAtTheWriteLimitWithoutSplittingAFrame() {
        Wire wire = new Wire();
        byte[] big = WsFrameWriter.text("y".repeat(40_000));
        byte[] huge = WsFrameWriter.text("z".repeat(WsFrameWriter.MAX_WRITE + 10));
        byte[] small = WsFrameWriter.text("s");
        List<byte[]> frames = List.of(big, small, big, huge, small);

        new WsFrameWriter(wire).write(frames);

        assertThat(wire.writes)
                .as("big+small fit; the next big does not; the huge one goes alone")
                .hasSize(4);
        assertThat(wire.writes.get(0)).isEqualTo(concat(List.of(big, small)));
        assertThat(wire.writes.get(1)).isEqualTo(big);
        assertThat(wire.writes.get(2)).isEqualTo(huge);
        assertThat(wire.writes.get(3)).isEqualTo(small);
        assertThat(wire.writes)
                .allSatisfy(w ->
                        assertThat(w.length <= WsFrameWriter.MAX_WRITE || Arrays.equals(w, huge))
                                .isTrue());
    }

    @Test
    void writesNothingForAnEmptyBatch() {
        Wire wire = new Wire();

        new WsFrameWriter(wire).write(List.of());

        assertThat(wire.writes).isEmpty();
    }

    private static byte[] concat(List<byte[]> frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        frames.forEach(out::writeBytes);
        return out.toByteArray();
    }
}
