package io.sonde.push.rest;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.sonde.platform.http.ApiErrors;
import io.sonde.platform.http.ApiException;
import io.sonde.platform.http.ViewerAuth;
import io.sonde.platform.security.TokenVerifier;
import io.sonde.platform.security.VerifiedToken;
import io.sonde.push.hub.Channels;
import io.sonde.push.hub.Hub;
import io.sonde.push.hub.PushEvent;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code GET /v1/devices} and {@code GET /v1/devices/{id}} (docs/rest.md): device states in the
 * {@code device} event shape, from the same in-memory cache as the {@code devices} snapshot. They
 * show what the {@code devices} channel shows, so the token must allow that channel.
 */
public final class DevicesHttpService implements HttpService {
    /** Where the service is registered. */
    public static final String PATH = "/v1/devices";

    private final ViewerAuth auth;
    private final Hub hub;

    public DevicesHttpService(TokenVerifier verifier, Hub hub) {
        this.auth = new ViewerAuth(verifier);
        this.hub = hub;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::all).get("/{id}", this::one);
    }

    private void all(ServerRequest req, ServerResponse res) {
        try {
            authorize(req);
        } catch (ApiException e) {
            ApiErrors.send(res, e);
            return;
        }
        List<PushEvent> states = hub.retained(Channels.DEVICES);
        // The cached event data already is each device's JSON object.
        json(res, states.stream().map(PushEvent::data).collect(Collectors.joining(",", "[", "]")));
    }

    private void one(ServerRequest req, ServerResponse res) {
        String id = req.path().pathParameters().get("id");
        try {
            authorize(req);
            PushEvent state =
                    hub.retained(Channels.DEVICES, id)
                            .orElseThrow(
                                    () -> ApiException.notFound("no device '" + id + "' is known"));
            json(res, state.data());
        } catch (ApiException e) {
            ApiErrors.send(res, e);
        }
    }

    private void authorize(ServerRequest req) throws ApiException {
        VerifiedToken token = auth.authenticate(req);
        ViewerAuth.requireReadable(token, List.of(Channels.DEVICES));
    }

    private static void json(ServerResponse res, String body) {
        res.header(HeaderNames.CONTENT_TYPE, "application/json").send(body);
    }
}
