package io.sonde.bench.resume;

import io.sonde.bench.AbResult;
import io.sonde.bench.BenchReport;
import io.sonde.bench.connections.PushGatewayJvm;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The results page sections of the resume scenario. */
final class ResumeReport {
    private ResumeReport() {}

    static void write(
            BenchReport report,
            int clients,
            int devices,
            int missed,
            int partitions,
            AbResult ab,
            List<ResumeScenario.Round> rounds) {
        report.section("Method")
                .text(
                        String.format(
                                Locale.ROOT,
                                "The push gateway in its own JVM (`%s`) on the bench's embedded"
                                        + " broker, telemetry topic with %d partitions. Each round:"
                                        + " %d SSE clients (one Netty event loop in the bench JVM)"
                                        + " follow `telemetry:DEVICE` with `snapshot=false`, %d"
                                        + " clients per device over %d devices; every device sends"
                                        + " one reading, which every client receives; all clients"
                                        + " disconnect; every device sends %d more readings; all"
                                        + " clients reconnect at once (at most 64 handshakes in"
                                        + " flight) with `Last-Event-ID` = the id of the reading"
                                        + " they got. A round passes only if every client then"
                                        + " receives exactly its device's %d readings, in seq"
                                        + " order, nothing repeated.",
                                String.join(" ", PushGatewayJvm.JVM_FLAGS),
                                partitions,
                                clients,
                                clients / Math.max(1, devices),
                                devices,
                                missed,
                                missed))
                .text(
                        "Time to first event: from opening a client's connection to its first"
                                + " resumed event. All caught up: from the first reconnect to the"
                                + " last client's last missed reading. Records read: the"
                                + " gateway's `sonde.push.catchup.records` over that time. The"
                                + " baseline, interleaved round by round: as many new clients"
                                + " connecting the same way with `snapshot=true` (the gateway"
                                + " holds each device's latest reading), time to their first"
                                + " event; the ratio says what resuming costs over connecting.");
        report.section("Results").ab(ab);
        List<List<String>> rows = new ArrayList<>();
        for (ResumeScenario.Round r : rounds) {
            rows.add(
                    List.of(
                            String.valueOf(r.clients()),
                            String.valueOf(r.missed()),
                            ms(r.toFirst().p50()),
                            ms(r.toFirst().p99()),
                            ms(r.toFirst().max()),
                            String.format(Locale.ROOT, "%.2f", r.allCaughtUpSeconds()),
                            BenchReport.number(r.eventsPerSecond()),
                            BenchReport.number(r.recordsReadPerSecond()),
                            BenchReport.number(r.recordsRead())));
        }
        report.section("Every round")
                .table(
                        List.of(
                                "clients",
                                "missed each",
                                "to first p50 ms",
                                "to first p99 ms",
                                "to first max ms",
                                "all caught up s",
                                "events delivered/s",
                                "records read/s",
                                "records read"),
                        rows);
        report.section("Caveats")
                .text(
                        "- Replays waiting together are read together: one read per group of"
                                + " replays whose positions lie within 100,000 records, each record"
                                + " handed to every replay of its device, so records read is about"
                                + " the records since the oldest cursor, not clients x records.\n"
                                + "- Everything shares 2 cores: clients, broker and gateway.");
    }

    private static String ms(long micros) {
        return String.format(Locale.ROOT, "%.1f", micros / 1000.0);
    }
}
