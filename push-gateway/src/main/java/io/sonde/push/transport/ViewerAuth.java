package io.sonde.push.transport;

import io.helidon.webserver.http.ServerRequest;
import io.sonde.platform.security.BearerTokens;
import io.sonde.platform.security.InvalidTokenException;
import io.sonde.platform.security.TokenVerifier;
import io.sonde.platform.security.VerifiedToken;
import java.util.Collection;

/**
 * Viewer authentication (docs/authentication.md) for every push endpoint: the token from the
 * header, query or cookie, verified for the {@code sonde-push} audience, then checked against the
 * channels asked for. Thread-safe.
 */
final class ViewerAuth {
    private final TokenVerifier verifier;

    ViewerAuth(TokenVerifier verifier) {
        this.verifier = verifier;
    }

    /**
     * @throws RequestException 401 when the token is missing or not valid
     */
    VerifiedToken authenticate(ServerRequest req) throws RequestException {
        String token =
                BearerTokens.find(req.headers(), req.query())
                        .orElseThrow(() ->
                                RequestException.unauthenticated(
                                        "a viewer token is required: Authorization: Bearer, "
                                                + BearerTokens.QUERY_PARAM
                                                + " or cookie "
                                                + BearerTokens.COOKIE));
        try {
            return verifier.verify(token, TokenVerifier.PUSH_AUDIENCE);
        } catch (InvalidTokenException e) {
            throw RequestException.unauthenticated(e.getMessage());
        }
    }

    /**
     * @throws RequestException 403 naming the first channel the token does not cover
     */
    static void requireReadable(VerifiedToken token, Collection<String> channels)
            throws RequestException {
        for (String channel : channels) {
            if (!token.mayRead(channel)) {
                throw RequestException.forbidden(
                        "the token does not allow channel '" + channel + "'");
            }
        }
    }
}
