package io.sonde.client.device;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.JsonFormat;
import io.sonde.proto.v1.Ack;
import io.sonde.proto.v1.Downlink;
import io.sonde.proto.v1.Error;
import io.sonde.proto.v1.ErrorCode;
import io.sonde.proto.v1.Reading;
import io.sonde.proto.v1.TelemetryBatch;
import io.sonde.proto.v1.Uplink;
import org.junit.jupiter.api.Test;

class WireFormatTest {
    private static final Uplink UPLINK =
            Uplink.newBuilder()
                    .setBatch(
                            TelemetryBatch.newBuilder()
                                    .addReadings(
                                            Reading.newBuilder()
                                                    .setSeq(1_764_000_000_000_001L)
                                                    .setTimeUnixNano(1_764_000_000_000_000_000L)
                                                    .putMetrics("temperature", 21.5)))
                    .build();

    @Test
    void protobufIsBinary() throws Exception {
        Frame frame = WireFormat.PROTOBUF.encode(UPLINK);

        assertThat(frame).isInstanceOf(Frame.Binary.class);
        assertThat(Uplink.parseFrom(((Frame.Binary) frame).bytes())).isEqualTo(UPLINK);
    }

    @Test
    void jsonIsTheProto3Mapping() throws Exception {
        Frame frame = WireFormat.JSON.encode(UPLINK);

        String text = ((Frame.Text) frame).text();
        // proto3 JSON: uint64 and int64 are strings, field names lowerCamelCase.
        assertThat(text).contains("\"seq\":\"1764000000000001\"").contains("\"timeUnixNano\"");
        Uplink.Builder parsed = Uplink.newBuilder();
        JsonFormat.parser().merge(text, parsed);
        assertThat(parsed.build()).isEqualTo(UPLINK);
    }

    @Test
    void decodesDownlinksInBothEncodings() throws Exception {
        Downlink ack = Downlink.newBuilder().setAck(Ack.newBuilder().setSeq(42)).build();
        Downlink error =
                Downlink.newBuilder()
                        .setError(
                                Error.newBuilder()
                                        .setCode(ErrorCode.RESOURCE_EXHAUSTED)
                                        .setSeq(7)
                                        .setRetryAfterMs(250))
                        .build();

        assertThat(WireFormat.decodeBinary(ack.toByteArray())).isEqualTo(ack);
        assertThat(WireFormat.decodeText(JsonFormat.printer().print(error))).isEqualTo(error);
        assertThat(WireFormat.decodeText("{\"ack\":{\"seq\":\"42\"},\"future\":1}")).isEqualTo(ack);
    }
}
