package io.sonde.stream.query;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.sonde.platform.http.ApiErrors;
import io.sonde.platform.http.ApiException;
import io.sonde.platform.http.ViewerAuth;
import io.sonde.platform.records.RecordJson;
import io.sonde.platform.security.BearerTokens;
import io.sonde.platform.security.VerifiedToken;
import io.sonde.proto.v1.Alert;
import io.sonde.stream.config.WindowSpec;
import io.sonde.stream.processor.Records;
import io.sonde.stream.processor.TelemetryTopology;
import io.sonde.stream.state.DeviceWork;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.state.HostInfo;

/**
 * State queries (docs/rest.md) on port 8082, viewer token: devices and their state, a device's
 * aggregates by metric, window and time range, alerts by state. Any instance answers for every
 * device: a device's question goes to the instance owning it, a fleet question to every instance,
 * whose answers are merged. During a rebalance the answer is a 503 with {@code Retry-After}.
 */
public final class QueryHttpService implements HttpService {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Default range of aggregate queries: the last hour. */
    static final long DEFAULT_RANGE_MS = 3_600_000;

    private final ViewerAuth auth;
    private final StateAccess access;
    private final LocalState local;
    private final List<WindowSpec> windows;
    private final PeerClient peers = new PeerClient();

    public QueryHttpService(ViewerAuth auth, StateAccess access, List<WindowSpec> windows) {
        this.auth = auth;
        this.access = access;
        this.local = new LocalState(access, windows);
        this.windows = List.copyOf(windows);
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/devices", (req, res) -> answer(req, res, this::devices))
                .get("/devices/{id}", (req, res) -> answer(req, res, this::device))
                .get("/devices/{id}/aggregates", (req, res) -> answer(req, res, this::aggregates))
                .get("/alerts", (req, res) -> answer(req, res, this::alerts));
    }

    /** One query: authorized, answered as JSON, errors as docs/errors.md says. */
    @FunctionalInterface
    private interface Query {
        String run(ServerRequest req, VerifiedToken token) throws ApiException;
    }

    private void answer(ServerRequest req, ServerResponse res, Query query) {
        try {
            VerifiedToken token = auth.authenticate(req);
            String json = query.run(req, token);
            res.header(HeaderNames.CONTENT_TYPE, "application/json").send(json);
        } catch (ApiException e) {
            ApiErrors.send(res, e);
        }
    }

    private String devices(ServerRequest req, VerifiedToken token) throws ApiException {
        ViewerAuth.requireReadable(token, List.of("devices"));
        if (isLocal(req)) {
            List<String> out = new ArrayList<>();
            for (DeviceWork w : local.allDevices()) {
                out.add(RecordJson.device(Records.deviceState(w)));
            }
            return RecordJson.array(out);
        }
        return everywhere(req, "/v1/devices");
    }

    private String device(ServerRequest req, VerifiedToken token) throws ApiException {
        ViewerAuth.requireReadable(token, List.of("devices"));
        String id = req.path().pathParameters().get("id");
        Optional<String> remote = atOwner(req, id, "/v1/devices/" + encode(id));
        if (remote.isPresent()) {
            return remote.get();
        }
        DeviceWork w =
                local.device(id)
                        .orElseThrow(
                                () -> ApiException.notFound("no device '" + id + "' is known"));
        return RecordJson.device(Records.deviceState(w));
    }

    private String aggregates(ServerRequest req, VerifiedToken token) throws ApiException {
        String id = req.path().pathParameters().get("id");
        ViewerAuth.requireReadable(token, List.of("aggregates:" + id));
        WindowSpec window = window(req);
        long to = number(req, "to", System.currentTimeMillis());
        long from = number(req, "from", to - DEFAULT_RANGE_MS);
        Optional<String> metric = req.query().first("metric").asOptional();
        String path =
                "/v1/devices/"
                        + encode(id)
                        + "/aggregates?window="
                        + window.label()
                        + "&from="
                        + from
                        + "&to="
                        + to
                        + metric.map(m -> "&metric=" + encode(m)).orElse("");
        Optional<String> remote = atOwner(req, id, path);
        if (remote.isPresent()) {
            return remote.get();
        }
        return RecordJson.array(
                local.aggregates(id, metric, window, from, to).stream()
                        .map(RecordJson::aggregate)
                        .toList());
    }

    private String alerts(ServerRequest req, VerifiedToken token) throws ApiException {
        ViewerAuth.requireReadable(token, List.of("alerts"));
        String state = req.query().first("state").orElse("active");
        if (!List.of("active", "cleared", "all").contains(state)) {
            throw ApiException.badField(
                    "bad_request", "state", "state must be active, cleared or all");
        }
        if (!isLocal(req)) {
            return newestFirst(everywhere(req, "/v1/alerts?state=" + state));
        }
        List<Alert> out = new ArrayList<>();
        if (!state.equals("cleared")) {
            out.addAll(local.activeAlerts());
        }
        if (!state.equals("active")) {
            // A device's clock may run ahead (ingest allows 5 min): its clears are stamped ahead.
            long horizon = System.currentTimeMillis() + Duration.ofDays(1).toMillis();
            out.addAll(local.clearedAlerts(0, horizon));
        }
        out.sort((a, b) -> Long.compare(b.getRaisedAtMs(), a.getRaisedAtMs()));
        return RecordJson.array(out.stream().map(RecordJson::alert).toList());
    }

    // Asks the owner of the device when that is another instance; empty when it is this one.
    private Optional<String> atOwner(ServerRequest req, String id, String path)
            throws ApiException {
        if (isLocal(req)) {
            return Optional.empty();
        }
        HostInfo owner = access.owner(TelemetryTopology.DEVICE_STORE, id);
        if (owner.equals(access.self())) {
            return Optional.empty();
        }
        PeerClient.Answer a = peers.get(owner, path, authorization(req));
        if (a.status() == 404) {
            throw ApiException.notFound("no device '" + id + "' is known");
        }
        if (a.status() != 200) {
            throw StateAccess.notReady();
        }
        return Optional.of(a.body());
    }

    // The instances' lists, each newest first, merged into one list newest first.
    private static String newestFirst(String alerts) throws ApiException {
        try {
            List<JsonNode> all = new ArrayList<>();
            JSON.readTree(alerts).forEach(all::add);
            all.sort((a, b) ->
                    Long.compare(b.path("raisedAt").asLong(), a.path("raisedAt").asLong()));
            return JSON.writeValueAsString(all);
        } catch (JsonProcessingException e) {
            throw StateAccess.notReady();
        }
    }

    // Merges the JSON arrays of every instance, this one answering from its own stores.
    private String everywhere(ServerRequest req, String path) throws ApiException {
        List<String> parts = new ArrayList<>();
        for (HostInfo host : access.instances()) {
            PeerClient.Answer a = peers.get(host, path, authorization(req));
            if (a.status() != 200) {
                throw StateAccess.notReady();
            }
            String body = a.body().strip();
            if (body.length() > 2) {
                parts.add(body.substring(1, body.length() - 1));
            }
        }
        return "[" + String.join(",", parts) + "]";
    }

    private WindowSpec window(ServerRequest req) throws ApiException {
        String label = req.query().first("window").orElse(windows.get(windows.size() - 1).label());
        return windows.stream()
                .filter(w -> w.label().equals(label))
                .findFirst()
                .orElseThrow(() ->
                        ApiException.badField(
                                "bad_request",
                                "window",
                                "window must be one of "
                                        + windows.stream().map(WindowSpec::label).toList()));
    }

    private static long number(ServerRequest req, String name, long fallback) throws ApiException {
        Optional<String> v = req.query().first(name).asOptional();
        if (v.isEmpty()) {
            return fallback;
        }
        try {
            return Long.parseLong(v.get());
        } catch (NumberFormatException e) {
            throw ApiException.badField("bad_request", name, name + " must be epoch milliseconds");
        }
    }

    private static boolean isLocal(ServerRequest req) {
        return req.query().first(PeerClient.LOCAL).map("true"::equals).orElse(false);
    }

    private static Optional<String> authorization(ServerRequest req) {
        return BearerTokens.find(req.headers(), req.query()).map(t -> "Bearer " + t);
    }

    private static String encode(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8)
                .replace("+", "%20");
    }
}
