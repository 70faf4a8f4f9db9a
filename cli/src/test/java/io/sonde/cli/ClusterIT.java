package io.sonde.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sonde.cli.chaos.ChaosRun;
import io.sonde.cli.cluster.Cluster;
import io.sonde.cli.cluster.ClusterLayout;
import io.sonde.client.push.SseClient;
import io.sonde.devtools.DevKeys;
import io.sonde.devtools.TokenIssuer;
import io.sonde.proto.v1.Downlink;
import io.sonde.proto.v1.Reading;
import io.sonde.proto.v1.TelemetryBatch;
import io.sonde.proto.v1.Uplink;
import io.sonde.testing.SseRecording;
import io.sonde.testing.TestDevice;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local cluster as separate processes (3 brokers, 2 of each service, nginx), driven as an
 * operator would: a device and a dashboard stream through nginx only, members die with {@code kill
 * -9}, and the stream resumes on the surviving push gateway from its cursor with nothing lost or
 * repeated, while devices are acked with a broker and an ingest gateway gone.
 */
@Timeout(900)
class ClusterIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String DEVICE = "dev-cluster";

    @Test
    void readingsFlowThroughNginxAndStreamsResumeOnAnyPushGatewayAfterKillNine(@TempDir Path dir)
            throws Exception {
        if (!Files.isExecutable(Path.of("/usr/sbin/nginx"))) {
            System.out.println("[sonde-test] ClusterIT skipped: install nginx");
        }
        Assumptions.assumeTrue(
                Files.isExecutable(Path.of("/usr/sbin/nginx")), "nginx is not installed");
        ByteArrayOutputStream said = new ByteArrayOutputStream();
        Cluster cluster =
                new Cluster(
                        new ClusterLayout(dir, freeBase(), 2),
                        new PrintStream(said, true, StandardCharsets.UTF_8));
        try {
            cluster.up();
            failovers(cluster);
            // The chaos run, short: one of each kind killed in turn under load, then the checks.
            cluster.up();
            ChaosRun.Result chaos =
                    new ChaosRun(
                                    cluster,
                                    new ChaosRun.Settings(
                                            Duration.ofSeconds(30),
                                            Duration.ofSeconds(5),
                                            6,
                                            1,
                                            Duration.ofSeconds(60)),
                                    System.out)
                            .run();
            System.out.println("[sonde-test] chaos: " + chaos.summary());
            assertThat(chaos.violations()).as("chaos run").isEmpty();
        } finally {
            cluster.down();
            System.out.println(
                    "[sonde-test] cluster said:\n" + said.toString(StandardCharsets.UTF_8));
        }
    }

    // A stream through nginx resumes on the other push gateway after each is killed, and a device
    // is acked again with a broker and an ingest gateway gone: nothing lost, nothing repeated.
    private static void failovers(Cluster cluster) throws Exception {
        ClusterLayout l = cluster.layout();
        TokenIssuer issuer = DevKeys.loadOrCreate(l.keys()).issuer();
        String viewer = issuer.viewer("it", List.of("telemetry:*"), false, WAIT);
        String deviceToken = issuer.device(DEVICE, Duration.ofMinutes(10));

        send(l, deviceToken, 1);
        String afterOne = eventOf(l, viewer, null, 1);

        // push-1 dies; the client resumes through nginx on push-2.
        long killed = System.nanoTime();
        cluster.kill("push-1", true);
        send(l, deviceToken, 2);
        String afterTwo = eventOf(l, viewer, afterOne, 2);
        report("push-1 killed: resumed on push-2 with the next reading", killed);

        // And the other way round, with push-1 back.
        cluster.start("push-1");
        killed = System.nanoTime();
        cluster.kill("push-2", true);
        send(l, deviceToken, 3);
        String afterThree = eventOf(l, viewer, afterTwo, 3);
        report("push-2 killed: resumed on push-1 with the next reading", killed);

        // A broker and an ingest gateway die: devices are still acked (2 of 3 replicas).
        killed = System.nanoTime();
        cluster.kill("broker-2", true);
        cluster.kill("ingest-1", true);
        send(l, deviceToken, 4);
        report("broker-2 and ingest-1 killed: a device acked again", killed);
        send(l, deviceToken, 5);
        eventOf(l, viewer, afterThree, 4);
        assertThat(cluster.status()).anyMatch(s -> s.startsWith("broker-2") && s.endsWith("down"));
    }

    private static void report(String what, long since) {
        System.out.printf(
                "[sonde-test] failover: %s after %d ms%n",
                what, (System.nanoTime() - since) / 1_000_000);
    }

    // One reading through nginx's ingest port, acked: the ack means it is on 2 of 3 brokers. A
    // refused write (UNAVAILABLE while a broker's partitions move) is resent, as a device does.
    private static void send(ClusterLayout l, String token, long seq) throws Exception {
        long start = System.nanoTime();
        List<String> refusals = new java.util.ArrayList<>();
        await().atMost(WAIT)
                .pollInterval(Duration.ofMillis(500))
                .until(() -> acked(l, token, seq, refusals));
        System.out.printf(
                "[sonde-test] reading %d acked after %d ms (refused before: %s)%n",
                seq, (System.nanoTime() - start) / 1_000_000, refusals);
    }

    private static boolean acked(ClusterLayout l, String token, long seq, List<String> refusals)
            throws Exception {
        try (TestDevice device = TestDevice.connect(l.ingestPort(), token)) {
            device.send(
                    Uplink.newBuilder()
                            .setBatch(
                                    TelemetryBatch.newBuilder()
                                            .addReadings(
                                                    Reading.newBuilder()
                                                            .setSeq(seq)
                                                            .setTimeUnixNano(
                                                                    System.currentTimeMillis()
                                                                            * 1_000_000L)
                                                            .putMetrics("temperature", 20.0 + seq)))
                            .build());
            Downlink reply = device.next();
            if (reply.hasAck() && reply.getAck().getSeq() == seq) {
                return true;
            }
            assertThat(reply.hasError() && reply.getError().getCode().name().equals("UNAVAILABLE"))
                    .as("reply to %d: %s", seq, reply)
                    .isTrue();
            refusals.add(reply.getError().getCode().name());
            return false;
        }
    }

    /**
     * Opens a stream through nginx (resuming after {@code cursor} when given), takes the event of
     * reading {@code seq}, and checks that it is the first reading event: nothing between the
     * cursor and it, nothing repeated. Returns its cursor.
     */
    private static String eventOf(ClusterLayout l, String viewer, String cursor, long seq)
            throws Exception {
        SseClient.Builder b =
                SseClient.to(
                                URI.create(
                                        "http://127.0.0.1:"
                                                + l.pushPort()
                                                + "/v1/events?channel=telemetry:"
                                                + DEVICE))
                        .token(viewer);
        if (cursor != null) {
            b.lastEventId(cursor);
        }
        try (SseRecording sse = SseRecording.open(b)) {
            assertThat(sse.status()).isEqualTo(200);
            SseClient.Event e =
                    sse.await(ev -> ev.event().equals("telemetry") && seq(ev) == seq, WAIT);
            List<Long> seqs = sse.events("telemetry").stream().map(ClusterIT::seq).toList();
            assertThat(seqs.getFirst()).as("first event after the cursor").isEqualTo(seq);
            assertThat(seqs).doesNotHaveDuplicates();
            return e.id().orElseThrow();
        }
    }

    private static long seq(SseClient.Event e) {
        try {
            return JSON.readTree(e.data()).get("seq").asLong();
        } catch (IOException ex) {
            throw new AssertionError(e.data(), ex);
        }
    }

    // A base whose whole range of ports is free now.
    private static int freeBase() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            // Below the ephemeral range (32768 and up here): no outgoing connection of the
            // members can take one of the cluster's ports between the check and nginx's start.
            int base = 20000 + ThreadLocalRandom.current().nextInt(120) * 100;
            if (allFree(new ClusterLayout(Path.of("."), base, 2).ports())) {
                return base;
            }
        }
        throw new IOException("no free port range found");
    }

    private static boolean allFree(List<Integer> ports) {
        for (int port : ports) {
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                s.setReuseAddress(true);
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }
}
