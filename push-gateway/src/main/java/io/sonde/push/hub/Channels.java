package io.sonde.push.hub;

import java.util.Optional;

/**
 * The channel names of docs/streams.md that this gateway serves, shared by the publishers that name
 * the channel of each event and the transports that check what a client asks for.
 *
 * <p>Served: {@code devices}, {@code telemetry:DEVICE}, {@code aggregates:DEVICE}. The alert
 * channels are named in docs/streams.md but not served yet; asking for one is refused with a
 * message saying so rather than accepted and left silent.
 */
public final class Channels {
    public static final String DEVICES = "devices";
    public static final String TELEMETRY_PREFIX = "telemetry:";
    public static final String AGGREGATES_PREFIX = "aggregates:";

    /** Longest device id accepted in a channel name. */
    public static final int MAX_DEVICE_ID_LENGTH = 128;

    private static final String ALERTS = "alerts";

    private Channels() {}

    public static String telemetry(String deviceId) {
        return TELEMETRY_PREFIX + deviceId;
    }

    public static String aggregates(String deviceId) {
        return AGGREGATES_PREFIX + deviceId;
    }

    /**
     * Why {@code channel} cannot be subscribed to, for a person; empty when it can.
     *
     * @param channel a channel name as a client sent it
     */
    public static Optional<String> problem(String channel) {
        if (channel.equals(DEVICES)) {
            return Optional.empty();
        }
        if (channel.startsWith(TELEMETRY_PREFIX)) {
            return deviceProblem(channel, channel.substring(TELEMETRY_PREFIX.length()));
        }
        if (channel.startsWith(AGGREGATES_PREFIX)) {
            return deviceProblem(channel, channel.substring(AGGREGATES_PREFIX.length()));
        }
        if (channel.equals(ALERTS) || channel.startsWith(ALERTS + ":")) {
            return Optional.of("channel '" + channel + "' is not served yet by this gateway");
        }
        return Optional.of(
                "unknown channel '"
                        + channel
                        + "': expected devices, telemetry:DEVICE or aggregates:DEVICE");
    }

    private static Optional<String> deviceProblem(String channel, String deviceId) {
        if (deviceId.isEmpty() || deviceId.length() > MAX_DEVICE_ID_LENGTH) {
            return Optional.of(
                    "channel '"
                            + channel
                            + "' needs a device id of 1 to "
                            + MAX_DEVICE_ID_LENGTH
                            + " characters");
        }
        // '*' is the wildcard of token patterns: a channel names exactly one device.
        boolean bad =
                deviceId.chars().anyMatch(c -> c == '*' || Character.isWhitespace(c) || c < 0x20);
        return bad
                ? Optional.of("channel '" + channel + "' has a device id with '*' or blanks")
                : Optional.empty();
    }
}
