package io.sonde.platform.http;

import io.helidon.webserver.http.ServerRequest;
import io.sonde.platform.security.BearerTokens;
import io.sonde.platform.security.InvalidTokenException;
import io.sonde.platform.security.TokenVerifier;
import io.sonde.platform.security.VerifiedToken;
import java.util.Collection;

/**
 * Viewer authentication (docs/authentication.md) for the HTTP APIs of the push gateway and the
 * stream processor: the token from the header, query or cookie, verified for the {@code sonde-push}
 * audience, then checked against the channels or the admin right a route needs. Thread-safe.
 */
public final class ViewerAuth {
    private final TokenVerifier verifier;

    public ViewerAuth(TokenVerifier verifier) {
        this.verifier = verifier;
    }

    /**
     * @throws ApiException 401 when the token is missing or not valid
     */
    public VerifiedToken authenticate(ServerRequest req) throws ApiException {
        String token =
                BearerTokens.find(req.headers(), req.query())
                        .orElseThrow(() ->
                                ApiException.unauthenticated(
                                        "a viewer token is required: Authorization: Bearer, "
                                                + BearerTokens.QUERY_PARAM
                                                + " or cookie "
                                                + BearerTokens.COOKIE));
        try {
            return verifier.verify(token, TokenVerifier.PUSH_AUDIENCE);
        } catch (InvalidTokenException e) {
            throw ApiException.unauthenticated(e.getMessage());
        }
    }

    /**
     * @throws ApiException 403 naming the first channel the token does not cover
     */
    public static void requireReadable(VerifiedToken token, Collection<String> channels)
            throws ApiException {
        for (String channel : channels) {
            if (!token.mayRead(channel)) {
                throw ApiException.forbidden("the token does not allow channel '" + channel + "'");
            }
        }
    }

    /**
     * @throws ApiException 403 unless the token carries {@code admin: true}
     */
    public static void requireAdmin(VerifiedToken token) throws ApiException {
        if (!token.admin()) {
            throw ApiException.forbidden("changing rules needs a token with admin: true");
        }
    }
}
