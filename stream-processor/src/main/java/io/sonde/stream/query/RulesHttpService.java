package io.sonde.stream.query;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.sonde.platform.http.ApiErrors;
import io.sonde.platform.http.ApiException;
import io.sonde.platform.http.ViewerAuth;
import io.sonde.platform.security.VerifiedToken;
import io.sonde.proto.v1.AlertRule;
import io.sonde.stream.alert.Rule;
import io.sonde.stream.alert.RuleJson;
import io.sonde.stream.processor.TelemetryTopology;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The rules API (docs/rest.md): {@code GET /v1/rules} and {@code GET /v1/rules/{id}} for any
 * viewer, {@code PUT} and {@code DELETE /v1/rules/{id}} for an admin token. A change is written to
 * the rules topic; the answer comes once this instance's global store holds it, so the next reading
 * this instance processes already follows it; the other instances follow as soon as their global
 * threads read the record (milliseconds on a healthy cluster).
 */
public final class RulesHttpService implements HttpService {
    /** Largest rule body accepted. */
    static final int MAX_BODY_BYTES = 16 * 1024;

    private static final long APPLY_WAIT_MS = 5_000;

    private final ViewerAuth auth;
    private final StateAccess access;
    private final RuleWriter writer;
    private final int maxRules;

    public RulesHttpService(ViewerAuth auth, StateAccess access, RuleWriter writer, int maxRules) {
        this.auth = auth;
        this.access = access;
        this.writer = writer;
        this.maxRules = maxRules;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::list)
                .get("/{id}", this::one)
                .put("/{id}", this::put)
                .delete("/{id}", this::delete);
    }

    private void list(ServerRequest req, ServerResponse res) {
        try {
            auth.authenticate(req);
            List<String> out = new ArrayList<>();
            for (Rule r : rules()) {
                out.add(RuleJson.toJson(r).toString());
            }
            json(res, "[" + String.join(",", out) + "]");
        } catch (ApiException e) {
            ApiErrors.send(res, e);
        }
    }

    private void one(ServerRequest req, ServerResponse res) {
        try {
            auth.authenticate(req);
            String id = req.path().pathParameters().get("id");
            Rule rule = find(id).orElseThrow(() -> ApiException.notFound("no rule '" + id + "'"));
            json(res, RuleJson.toJson(rule).toString());
        } catch (ApiException e) {
            ApiErrors.send(res, e);
        }
    }

    private void put(ServerRequest req, ServerResponse res) throws IOException {
        try {
            VerifiedToken token = auth.authenticate(req);
            ViewerAuth.requireAdmin(token);
            String id = req.path().pathParameters().get("id");
            RuleJson.Parsed parsed = RuleJson.parse(id, body(req));
            if (parsed.problem().isPresent()) {
                throw ApiException.badField(
                        "bad_rule",
                        parsed.problem().get().field(),
                        parsed.problem().get().message());
            }
            Rule rule = parsed.rule().orElseThrow();
            if (find(id).isEmpty() && rules().size() >= maxRules) {
                throw new ApiException(
                        Status.CONFLICT_409, "too_many_rules", "at most " + maxRules + " rules");
            }
            write(() -> writer.write(rule));
            awaitApplied(id, Optional.of(rule));
            json(res, RuleJson.toJson(rule).toString());
        } catch (ApiException e) {
            ApiErrors.send(res, e);
        }
    }

    private void delete(ServerRequest req, ServerResponse res) {
        try {
            VerifiedToken token = auth.authenticate(req);
            ViewerAuth.requireAdmin(token);
            String id = req.path().pathParameters().get("id");
            if (find(id).isEmpty()) {
                throw ApiException.notFound("no rule '" + id + "'");
            }
            write(() -> writer.delete(id));
            awaitApplied(id, Optional.empty());
            res.status(Status.NO_CONTENT_204).send();
        } catch (ApiException e) {
            ApiErrors.send(res, e);
        }
    }

    private String body(ServerRequest req) throws IOException, ApiException {
        try (InputStream in = req.content().inputStream()) {
            byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
            if (bytes.length > MAX_BODY_BYTES) {
                throw new ApiException(
                        Status.REQUEST_ENTITY_TOO_LARGE_413,
                        "too_large",
                        "a rule is at most " + MAX_BODY_BYTES + " bytes");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private static void write(Runnable change) throws ApiException {
        try {
            change.run();
        } catch (KafkaException e) {
            throw ApiException.unavailable("Kafka did not take the change: " + e.getMessage(), 1);
        }
    }

    // The global store follows the topic within milliseconds; waiting makes the answer true.
    private void awaitApplied(String id, Optional<Rule> expected) throws ApiException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(APPLY_WAIT_MS);
        while (System.nanoTime() < deadline) {
            if (find(id).equals(expected)) {
                return;
            }
            try {
                TimeUnit.MILLISECONDS.sleep(20); // polling the global store, bounded
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw ApiException.unavailable("the change is written but not applied yet", 1);
    }

    private Optional<Rule> find(String id) throws ApiException {
        AlertRule r = store().get(id);
        if (r == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Rule.fromProto(r.toBuilder().setId(id).build()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private List<Rule> rules() throws ApiException {
        List<Rule> out = new ArrayList<>();
        try (KeyValueIterator<String, AlertRule> all = store().all()) {
            all.forEachRemaining(kv -> {
                try {
                    out.add(Rule.fromProto(kv.value.toBuilder().setId(kv.key).build()));
                } catch (IllegalArgumentException e) {
                    // Not a valid rule (written by hand): not shown, as the processor ignores it.
                }
            });
        }
        return out;
    }

    private ReadOnlyKeyValueStore<String, AlertRule> store() throws ApiException {
        return access.store(TelemetryTopology.RULES_STORE, QueryableStoreTypes.keyValueStore());
    }

    private static void json(ServerResponse res, String body) {
        res.header(HeaderNames.CONTENT_TYPE, "application/json").send(body);
    }
}
