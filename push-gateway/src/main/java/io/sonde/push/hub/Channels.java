package io.sonde.push.hub;

import java.util.Optional;

/**
 * The channel names of docs/streams.md, shared by the publishers that name the channel of each
 * event and the transports that check what a client asks for, and which log each channel reads.
 *
 * <p>Fleet channels ({@code devices}, {@code alerts}) read every partition of their log; device
 * channels ({@code telemetry:D}, {@code aggregates:D}, {@code alerts:D}) read the one partition
 * their device's records go to.
 */
public final class Channels {
    public static final String DEVICES = "devices";
    public static final String ALERTS = "alerts";
    public static final String TELEMETRY_PREFIX = "telemetry:";
    public static final String AGGREGATES_PREFIX = "aggregates:";
    public static final String ALERTS_PREFIX = "alerts:";

    /** Longest device id accepted in a channel name. */
    public static final int MAX_DEVICE_ID_LENGTH = 128;

    private Channels() {}

    public static String telemetry(String deviceId) {
        return TELEMETRY_PREFIX + deviceId;
    }

    public static String aggregates(String deviceId) {
        return AGGREGATES_PREFIX + deviceId;
    }

    public static String alerts(String deviceId) {
        return ALERTS_PREFIX + deviceId;
    }

    /** The log a valid channel reads. */
    public static Log log(String channel) {
        if (channel.equals(DEVICES)) {
            return Log.DEVICE_STATE;
        }
        if (channel.equals(ALERTS) || channel.startsWith(ALERTS_PREFIX)) {
            return Log.ALERTS;
        }
        if (channel.startsWith(TELEMETRY_PREFIX)) {
            return Log.TELEMETRY;
        }
        if (channel.startsWith(AGGREGATES_PREFIX)) {
            return Log.AGGREGATES;
        }
        throw new IllegalArgumentException("not a channel: " + channel);
    }

    /** The device a device channel follows; empty for a fleet channel. */
    public static Optional<String> device(String channel) {
        int colon = channel.indexOf(':');
        return colon < 0 ? Optional.empty() : Optional.of(channel.substring(colon + 1));
    }

    /** Whether {@code channel} reads every partition of its log. */
    public static boolean isFleet(String channel) {
        return channel.equals(DEVICES) || channel.equals(ALERTS);
    }

    /**
     * Why {@code channel} cannot be subscribed to, for a person; empty when it can.
     *
     * @param channel a channel name as a client sent it
     */
    public static Optional<String> problem(String channel) {
        if (isFleet(channel)) {
            return Optional.empty();
        }
        for (String prefix : new String[] {TELEMETRY_PREFIX, AGGREGATES_PREFIX, ALERTS_PREFIX}) {
            if (channel.startsWith(prefix)) {
                return deviceProblem(channel, channel.substring(prefix.length()));
            }
        }
        return Optional.of(
                "unknown channel '"
                        + channel
                        + "': expected devices, alerts, alerts:DEVICE, telemetry:DEVICE or"
                        + " aggregates:DEVICE");
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
