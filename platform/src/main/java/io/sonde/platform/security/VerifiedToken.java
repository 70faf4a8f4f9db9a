package io.sonde.platform.security;

import java.time.Instant;
import java.util.List;

/**
 * What a verified token says about its holder.
 *
 * @param subject {@code sub}: the device id of a device token
 * @param expiresAt {@code exp}
 * @param channels {@code channels} patterns of a viewer token; empty for devices
 * @param admin {@code admin: true}: may change alert rules
 */
public record VerifiedToken(
        String subject, Instant expiresAt, List<String> channels, boolean admin) {
    public VerifiedToken {
        channels = List.copyOf(channels);
    }

    /** Whether this token lets its holder read {@code channel}. */
    public boolean mayRead(String channel) {
        return ChannelPatterns.anyMatches(channels, channel);
    }
}
