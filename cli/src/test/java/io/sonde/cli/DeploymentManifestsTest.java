package io.sonde.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes manifests in deploy/kubernetes, read with fabric8's Kubernetes model: every object
 * is a known kind with no field the API does not have (a misspelt {@code readinesProbe} fails), and
 * the essentials hold: the image, ports matching the services' defaults, readiness and liveness
 * probes on the /observe routes, environment variables the configuration table names, Services,
 * disruption budgets and autoscalers pointing at what exists, the ingress unbuffered.
 */
class DeploymentManifestsTest {
    private static final Path DIR = Path.of("..", "deploy", "kubernetes");
    private static final Map<String, Integer> PORTS =
            Map.of("ingest-gateway", 8081, "stream-processor", 8082, "push-gateway", 8080);
    private static final Set<String> STANDARD_ENV = Set.of("JAVA_TOOL_OPTIONS", "POD_NAME");
    private static final KubernetesSerialization YAML = new KubernetesSerialization();
    private static List<HasMetadata> objects;

    @BeforeAll
    static void read() throws IOException {
        objects = new ArrayList<>();
        try (Stream<Path> files = Files.list(DIR)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                for (String doc : Files.readString(f).split("(?m)^---$")) {
                    if (!doc.strip().isEmpty() && !doc.lines().allMatch(l -> l.startsWith("#"))) {
                        objects.add(YAML.unmarshal(doc, HasMetadata.class));
                    }
                }
            }
        }
    }

    @Test
    void everyObjectIsAKnownKindWithOnlyFieldsTheApiHas() throws Exception {
        assertThat(objects).hasSizeGreaterThan(15);
        for (HasMetadata o : objects) {
            if (o instanceof GenericKubernetesResource g) {
                // Strimzi's resources: the example cluster, not part of Kubernetes' own API.
                assertThat(g.getApiVersion()).startsWith("kafka.strimzi.io/");
                continue;
            }
            List<String> unknown = new ArrayList<>();
            unknownFields(o, o.getKind() + " " + o.getMetadata().getName(), unknown);
            assertThat(unknown).as("fields the Kubernetes API does not have").isEmpty();
        }
    }

    @Test
    void eachServiceRunsTheImageWithItsPortProbesAndDocumentedSettings() throws IOException {
        String configuration = Files.readString(Path.of("..", "docs", "configuration.md"));
        for (Map.Entry<String, Integer> e : PORTS.entrySet()) {
            PodTemplateSpec pod = template(e.getKey());
            Container c = pod.getSpec().getContainers().getFirst();
            assertThat(c.getImage()).startsWith("sonde:");
            assertThat(c.getArgs()).containsExactly(e.getKey());
            assertThat(c.getPorts().getFirst().getContainerPort()).isEqualTo(e.getValue());
            assertThat(c.getReadinessProbe().getHttpGet().getPath())
                    .isEqualTo("/observe/health/ready");
            assertThat(c.getLivenessProbe().getHttpGet().getPath())
                    .isEqualTo("/observe/health/live");
            assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
            assertThat(pod.getSpec().getAffinity().getPodAntiAffinity()).isNotNull();
            for (EnvVar v : c.getEnv()) {
                assertThat(documented(v.getName(), configuration))
                        .as("%s's %s is in docs/configuration.md", e.getKey(), v.getName())
                        .isTrue();
            }
            assertThat(c.getEnv())
                    .anySatisfy(v -> {
                        assertThat(v.getName()).isEqualTo("SERVER_PORT");
                        assertThat(v.getValue()).isEqualTo(e.getValue().toString());
                    });
        }
        for (String key : configMap().keySet()) {
            assertThat(documented(key, configuration)).as("ConfigMap key %s", key).isTrue();
        }
    }

    @Test
    void servicesBudgetsAndAutoscalersPointAtWhatExists() {
        for (String name : PORTS.keySet()) {
            Service s = only(Service.class, name);
            assertThat(s.getSpec().getSelector()).containsEntry("app.kubernetes.io/name", name);
            assertThat(s.getSpec().getPorts().getFirst().getPort()).isEqualTo(PORTS.get(name));
            assertThat(
                            only(PodDisruptionBudget.class, name)
                                    .getSpec()
                                    .getSelector()
                                    .getMatchLabels())
                    .containsEntry("app.kubernetes.io/name", name);
            HorizontalPodAutoscaler hpa = only(HorizontalPodAutoscaler.class, name);
            assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo(name);
            assertThat(hpa.getSpec().getMinReplicas()).isGreaterThanOrEqualTo(2);
        }
        // Parallelism of the processors is bounded by the partitions of sonde.telemetry.
        assertThat(
                        only(HorizontalPodAutoscaler.class, "stream-processor")
                                .getSpec()
                                .getMaxReplicas())
                .isLessThanOrEqualTo(Integer.parseInt(configMap().get("SONDE_KAFKA_PARTITIONS")));
    }

    @Test
    void theIngressStreamsUnbufferedForHoursWithoutAffinity() {
        Ingress ingress = only(Ingress.class, "sonde");
        Map<String, String> a = ingress.getMetadata().getAnnotations();
        assertThat(a).containsEntry("nginx.ingress.kubernetes.io/proxy-buffering", "off");
        assertThat(Integer.parseInt(a.get("nginx.ingress.kubernetes.io/proxy-read-timeout")))
                .isGreaterThanOrEqualTo(3600);
        assertThat(a.keySet()).noneMatch(k -> k.contains("affinity"));
        assertThat(ingress.getSpec().getRules().getFirst().getHttp().getPaths())
                .extracting(p -> p.getPath() + " " + p.getBackend().getService().getName())
                .contains("/v1/ingest ingest-gateway", "/ push-gateway");
    }

    private static boolean documented(String env, String configuration) {
        return env.startsWith("OTEL_")
                || STANDARD_ENV.contains(env)
                || Pattern.compile("`" + Pattern.quote(env) + "`").matcher(configuration).find();
    }

    private static PodTemplateSpec template(String name) {
        return objects.stream()
                .filter(o -> o.getMetadata().getName().equals(name))
                .map(o ->
                        o instanceof Deployment d
                                ? d.getSpec().getTemplate()
                                : o instanceof StatefulSet s ? s.getSpec().getTemplate() : null)
                .filter(t -> t != null)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no workload " + name));
    }

    private static Map<String, String> configMap() {
        return objects.stream()
                .filter(o -> o instanceof io.fabric8.kubernetes.api.model.ConfigMap)
                .map(o -> ((io.fabric8.kubernetes.api.model.ConfigMap) o).getData())
                .findFirst()
                .orElseThrow();
    }

    private static <T extends HasMetadata> T only(Class<T> type, String name) {
        List<T> found =
                objects.stream()
                        .filter(type::isInstance)
                        .map(type::cast)
                        .filter(o -> o.getMetadata().getName().equals(name))
                        .toList();
        assertThat(found).as("%s %s", type.getSimpleName(), name).hasSize(1);
        return found.getFirst();
    }

    // fabric8's model keeps fields it does not know in additionalProperties: there must be none.
    private static void unknownFields(Object o, String path, List<String> out) throws Exception {
        if (o == null || !o.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            if (o instanceof Collection<?> items) {
                int i = 0;
                for (Object item : items) {
                    unknownFields(item, path + "[" + i++ + "]", out);
                }
            }
            return;
        }
        for (Method m : o.getClass().getMethods()) {
            if (m.getParameterCount() != 0
                    || !m.getName().startsWith("get")
                    || m.getName().equals("getClass")) {
                continue;
            }
            Object value = m.invoke(o);
            if (m.getName().equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    out.add(path + ": " + extra.keySet());
                }
            } else {
                unknownFields(value, path + "." + m.getName().substring(3), out);
            }
        }
    }
}
