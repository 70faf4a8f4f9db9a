package io.sonde.platform.security;

import io.helidon.common.uri.UriQuery;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Finds the token of a request (docs/authentication.md): {@code Authorization: Bearer}, else the
 * {@code access_token} query parameter (browsers cannot set headers on EventSource or WebSocket),
 * else the cookie {@code sonde_token}.
 */
public final class BearerTokens {
    public static final String QUERY_PARAM = "access_token";
    public static final String COOKIE = "sonde_token";
    private static final String BEARER = "bearer ";

    private BearerTokens() {}

    public static Optional<String> find(Headers headers, UriQuery query) {
        Optional<String> auth = headers.first(HeaderNames.AUTHORIZATION);
        if (auth.isPresent() && auth.get().regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return nonBlank(auth.get().substring(BEARER.length()).trim());
        }
        Optional<String> param = query.first(QUERY_PARAM).asOptional();
        if (param.isPresent()) {
            return nonBlank(param.get());
        }
        return headers.all(HeaderNames.COOKIE, List::of).stream()
                .flatMap(h -> Arrays.stream(h.split(";")))
                .map(String::trim)
                .filter(c -> c.startsWith(COOKIE + "="))
                .map(c -> c.substring(COOKIE.length() + 1))
                .filter(v -> !v.isBlank())
                .findFirst();
    }

    private static Optional<String> nonBlank(String s) {
        return s.isBlank() ? Optional.empty() : Optional.of(s);
    }
}
