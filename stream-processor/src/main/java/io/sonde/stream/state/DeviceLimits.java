package io.sonde.stream.state;

import java.util.List;

/**
 * What bounds one device's working state.
 *
 * @param replayWindow seqs below the highest that dedup remembers (a multiple of 64)
 * @param maxMetrics distinct metric names a device may use
 * @param windowSizesMs the tumbling window sizes, in configuration order
 * @param graceMs how long after a window's end (on the device's time) readings still count
 */
public record DeviceLimits(
        int replayWindow, int maxMetrics, List<Long> windowSizesMs, long graceMs) {
    public DeviceLimits {
        windowSizesMs = List.copyOf(windowSizesMs);
    }
}
