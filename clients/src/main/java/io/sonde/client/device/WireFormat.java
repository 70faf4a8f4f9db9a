package io.sonde.client.device;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.sonde.proto.v1.Downlink;
import io.sonde.proto.v1.Uplink;

/**
 * How a device encodes its messages (docs/device-protocol.md): protobuf in binary frames, or the
 * proto3 JSON mapping in text frames. The gateway answers in the encoding of the device's last
 * message, and this client reads either, whatever it sends.
 */
public enum WireFormat {
    PROTOBUF,
    JSON;

    private static final JsonFormat.Printer PRINTER =
            JsonFormat.printer().omittingInsignificantWhitespace();
    // A gateway newer than this client may add fields; they must not break the device.
    private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

    /** {@code uplink} as one frame of this encoding. */
    public Frame encode(Uplink uplink) {
        if (this == PROTOBUF) {
            return Frame.binary(uplink.toByteArray());
        }
        try {
            return Frame.text(PRINTER.print(uplink));
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("an Uplink always prints as JSON", e);
        }
    }

    /** A binary frame from the gateway. */
    public static Downlink decodeBinary(byte[] bytes) throws InvalidProtocolBufferException {
        return Downlink.parseFrom(bytes);
    }

    /** A text frame from the gateway. */
    public static Downlink decodeText(String text) throws InvalidProtocolBufferException {
        Downlink.Builder builder = Downlink.newBuilder();
        PARSER.merge(text, builder);
        return builder.build();
    }
}
