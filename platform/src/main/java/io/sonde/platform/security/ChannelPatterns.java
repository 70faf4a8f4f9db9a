package io.sonde.platform.security;

import java.util.List;

/**
 * Viewer-token channel patterns (docs/authentication.md): {@code *} matches any run of characters,
 * every other character matches itself. {@code telemetry:*} matches {@code telemetry:dev-1}.
 */
public final class ChannelPatterns {
    private ChannelPatterns() {}

    /** Whether {@code pattern} matches the whole of {@code channel}. */
    public static boolean matches(String pattern, String channel) {
        return matches(pattern, 0, channel, 0);
    }

    /** Whether any of {@code patterns} matches {@code channel}. */
    public static boolean anyMatches(List<String> patterns, String channel) {
        for (String p : patterns) {
            if (matches(p, channel)) {
                return true;
            }
        }
        return false;
    }

    // Iterative glob match with single-star backtracking: linear in practice, no regex.
    private static boolean matches(String p, int pi, String s, int si) {
        int star = -1;
        int mark = 0;
        while (si < s.length()) {
            if (pi < p.length() && p.charAt(pi) == '*') {
                star = pi++;
                mark = si;
            } else if (pi < p.length() && p.charAt(pi) == s.charAt(si)) {
                pi++;
                si++;
            } else if (star >= 0) {
                pi = star + 1;
                si = ++mark;
            } else {
                return false;
            }
        }
        while (pi < p.length() && p.charAt(pi) == '*') {
            pi++;
        }
        return pi == p.length();
    }
}
