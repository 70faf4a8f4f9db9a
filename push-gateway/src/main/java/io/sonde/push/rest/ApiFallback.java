package io.sonde.push.rest;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.sonde.platform.http.ApiErrors;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What answers an API request no route took (registered after every API service, under {@code
 * /v1}): a JSON 405 with {@code Allow} when the path is one of the API's and only the method is
 * wrong, a JSON 404 otherwise, instead of the dashboard's HTML 404.
 */
public final class ApiFallback implements HttpService {
    /** Where the fallback is registered. */
    public static final String PATH = "/v1";

    private record Route(Pattern path, Set<Method> methods) {}

    private static final String SEGMENT = "[^/]+";
    private static final List<Route> ROUTES =
            List.of(
                    route("/v1/events", Method.GET),
                    route("/v1/poll", Method.GET),
                    route("/v1/ws", Method.GET),
                    route("/v1/devices/?", Method.GET),
                    route("/v1/devices/" + SEGMENT, Method.GET),
                    route("/v1/devices/" + SEGMENT + "/aggregates", Method.GET),
                    route("/v1/alerts", Method.GET),
                    route("/v1/rules/?", Method.GET),
                    route("/v1/rules/" + SEGMENT, Method.GET, Method.PUT, Method.DELETE));

    @Override
    public void routing(HttpRules rules) {
        rules.any(this::answer);
    }

    private void answer(ServerRequest req, ServerResponse res) {
        String path = req.path().absolute().path();
        for (Route route : ROUTES) {
            if (route.path().matcher(path).matches()) {
                if (route.methods().contains(req.prologue().method())) {
                    // Only /v1/ws gets here with a right method: a GET without the upgrade.
                    ApiErrors.send(
                            res,
                            Status.UPGRADE_REQUIRED_426,
                            "bad_request",
                            "this route is a WebSocket: send an upgrade request");
                    return;
                }
                String allow =
                        String.join(
                                ", ", route.methods().stream().map(Method::text).sorted().toList());
                res.header(HeaderNames.ALLOW, allow);
                ApiErrors.send(
                        res,
                        Status.METHOD_NOT_ALLOWED_405,
                        "method_not_allowed",
                        req.prologue().method().text() + " is not allowed here; use " + allow);
                return;
            }
        }
        ApiErrors.send(res, Status.NOT_FOUND_404, "not_found", "no such route: " + path);
    }

    private static Route route(String regex, Method... methods) {
        return new Route(Pattern.compile(regex), Set.of(methods));
    }
}
