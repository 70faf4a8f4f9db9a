package io.sonde.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * The markdown results page of one scenario run, {@code <results-dir>/<scenario>.md}. {@link
 * BenchMain} writes the header (date, machine, command, load average) and the footer; the scenario
 * adds sections in between, in the order it calls the methods.
 *
 * <p>Threading: one thread (the scenario's) at a time.
 */
public final class BenchReport {
    private final String scenario;
    private final String command;
    private final Path resultsDir;
    private final MachineInfo machine;
    private final String loadBefore;
    private final ZonedDateTime started = ZonedDateTime.now();
    private final StringBuilder body = new StringBuilder();

    public BenchReport(
            String scenario,
            String command,
            Path resultsDir,
            MachineInfo machine,
            String loadBefore) {
        this.scenario = scenario;
        this.command = command;
        this.resultsDir = resultsDir;
        this.machine = machine;
        this.loadBefore = loadBefore;
    }

    public String scenario() {
        return scenario;
    }

    public Path resultsDir() {
        return resultsDir;
    }

    /** Starts a {@code ## heading} section. */
    public BenchReport section(String heading) {
        body.append("\n## ").append(heading).append("\n\n");
        return this;
    }

    /** A paragraph of markdown. */
    public BenchReport text(String markdown) {
        body.append(markdown).append("\n\n");
        return this;
    }

    /** A goal line: the goal, the measured value, and MET / MISSED. */
    public BenchReport goal(String goal, String measured, boolean met) {
        body.append("- ")
                .append(goal)
                .append(": measured ")
                .append(measured)
                .append(" - **")
                .append(met ? "MET" : "MISSED")
                .append("**\n");
        return this;
    }

    /** A markdown table; rows must have as many cells as the header. */
    public BenchReport table(List<String> header, List<List<String>> rows) {
        body.append("| ").append(String.join(" | ", header)).append(" |\n|");
        body.append("---|".repeat(header.size())).append('\n');
        for (List<String> row : rows) {
            body.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        body.append('\n');
        return this;
    }

    /** The samples per round, both medians and the ours/baseline ratio. */
    public BenchReport ab(AbResult r) {
        List<String> header = List.of("round", r.baselineName() + " (A)", r.oursName() + " (B)");
        List<List<String>> rows = new java.util.ArrayList<>();
        for (int i = 0; i < Math.max(r.baseline().size(), r.ours().size()); i++) {
            rows.add(List.of(String.valueOf(i + 1), cell(r.baseline(), i), cell(r.ours(), i)));
        }
        rows.add(List.of("**median**", number(r.baselineMedian()), number(r.oursMedian())));
        text("A/B interleaved, " + r.baseline().size() + " rounds, " + r.metric() + ":");
        table(header, rows);
        return text(
                "**ratio "
                        + r.oursName()
                        + " / "
                        + r.baselineName()
                        + " = "
                        + ratio(r.oursOverBaseline())
                        + "** (medians, "
                        + r.metric()
                        + ")");
    }

    /** A percentile row set in microseconds; {@code rows} pairs a label with its percentiles. */
    public BenchReport latencies(List<String> labels, List<Percentiles> values) {
        List<List<String>> rows = new java.util.ArrayList<>();
        for (int i = 0; i < labels.size(); i++) {
            Percentiles p = values.get(i);
            rows.add(
                    List.of(
                            labels.get(i),
                            String.valueOf(p.count()),
                            String.valueOf(p.p50()),
                            String.valueOf(p.p90()),
                            String.valueOf(p.p99()),
                            String.valueOf(p.p999()),
                            String.valueOf(p.max())));
        }
        return table(List.of("latency (us)", "count", "p50", "p90", "p99", "p99.9", "max"), rows);
    }

    /** "EndToEndLatency per round (ms)" and a row per round. */
    public BenchReport endToEnd(List<KafkaTools.EndToEndResult> rounds) {
        List<List<String>> rows = new java.util.ArrayList<>();
        for (KafkaTools.EndToEndResult b : rounds) {
            rows.add(
                    List.of(
                            String.format(Locale.ROOT, "%.3f", b.avgMs()),
                            Long.toString(b.p50Ms()),
                            Long.toString(b.p99Ms()),
                            Long.toString(b.p999Ms())));
        }
        text("EndToEndLatency per round (ms):");
        return table(List.of("avg", "p50", "p99", "p99.9"), rows);
    }

    /**
     * Saves {@code recorder} as {@code <results-dir>/<scenario>-<label>.hgrm}; returns the path.
     */
    public Path hgrm(String label, LatencyRecorder recorder) {
        return recorder.writeHgrm(resultsDir.resolve(scenario + "-" + label + ".hgrm"));
    }

    /**
     * A "Profile (JFR)" section: the top-of-stack methods of the recording and the {@code io.sonde}
     * methods most often on the stack, to name bottlenecks.
     */
    public BenchReport profile(Path jfr, int limit) throws IOException {
        return profile("Profile (JFR, bench JVM: clients, services and broker)", jfr, limit);
    }

    /** As {@link #profile(Path, int)}, of the JVM the {@code title} names. */
    public BenchReport profile(String title, Path jfr, int limit) throws IOException {
        section(title);
        text("Recording: `" + jfr + "`. Top of stack (jdk.ExecutionSample):");
        table(List.of("frame", "samples", "share"), rows(FlightRecording.topFrames(jfr, limit)));
        text("Sonde code on the stack:");
        table(
                List.of("frame", "samples", "share"),
                rows(FlightRecording.onStack(jfr, limit, "io.sonde.")));
        text("CPU samples by thread (numbers and ids folded):");
        table(List.of("thread", "samples", "share"), rows(FlightRecording.threads(jfr, limit)));
        return text(gcLine(FlightRecording.gcPauses(jfr)));
    }

    static String gcLine(FlightRecording.GcPauses gc) {
        return String.format(
                Locale.ROOT,
                "GC pauses (jdk.GarbageCollection): %d collections, %.1f s paused = %.1f%% of the"
                        + " %d s recorded, longest %d ms, %d collections with a pause over 20 ms.",
                gc.collections(),
                gc.paused().toMillis() / 1000.0,
                100 * gc.share(),
                gc.recorded().toSeconds(),
                gc.longest().toMillis(),
                gc.over20ms());
    }

    private static List<List<String>> rows(List<FlightRecording.HotFrame> frames) {
        return frames.stream()
                .map(f ->
                        List.of(
                                "`" + f.frame() + "`",
                                String.valueOf(f.samples()),
                                String.format(Locale.ROOT, "%.1f%%", 100 * f.share())))
                .toList();
    }

    /** Writes the page, with the load average measured now as "after". */
    public Path write(String loadAfter) {
        Path file = resultsDir.resolve(scenario + ".md");
        try {
            Files.createDirectories(resultsDir);
            Files.writeString(file, header() + body + footer(loadAfter));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private String header() {
        return "# Benchmark: "
                + scenario
                + "\n\n- date: "
                + started.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                + "\n- command: `"
                + command
                + "`\n- machine: "
                + machine.cores()
                + " cores, "
                + machine.memoryBytes() / (1024 * 1024)
                + " MiB memory, "
                + machine.os()
                + "\n- JDK: "
                + machine.jdk()
                + "\n- GC: "
                + String.join(", ", machine.collectors())
                + "; max heap "
                + machine.maxHeapBytes() / (1024 * 1024)
                + " MiB; JVM flags: `"
                + String.join(" ", machine.jvmFlags())
                + "`\n- load average (1/5/15 min) before: "
                + loadBefore
                + "\n";
    }

    private static String footer(String loadAfter) {
        return "\n---\nload average (1/5/15 min) after: " + loadAfter + "\n";
    }

    private static String cell(List<Double> values, int i) {
        return i < values.size() ? number(values.get(i)) : "";
    }

    /** A number for humans: integers without decimals, small values with three significant. */
    public static String number(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return String.valueOf(v);
        }
        return Math.abs(v) >= 100
                ? String.format(Locale.ROOT, "%,.0f", v)
                : String.format(Locale.ROOT, "%.3g", v);
    }

    public static String ratio(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.2fx", v);
    }
}
