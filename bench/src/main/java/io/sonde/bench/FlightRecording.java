package io.sonde.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * A JFR recording of this JVM (the "profile" settings), and the hot frames of a recording: how a
 * missed goal gets its bottleneck named. Everything under test runs in the bench JVM, so one
 * recording covers clients, services and the broker; baselines in child JVMs are not in it.
 */
public final class FlightRecording implements AutoCloseable {
    private final Recording recording;
    private final Path file;

    private FlightRecording(Recording recording, Path file) {
        this.recording = recording;
        this.file = file;
    }

    /** Starts recording now; {@link #close()} stops and writes {@code file}. */
    public static FlightRecording start(Path file) {
        try {
            Recording r = new Recording(Configuration.getConfiguration("profile"));
            r.setName("sonde-bench");
            r.setToDisk(true);
            r.start();
            return new FlightRecording(r, file);
        } catch (IOException | ParseException e) {
            throw new BenchException("cannot start JFR", e);
        }
    }

    public Path file() {
        return file;
    }

    @Override
    public void close() {
        try {
            recording.stop();
            recording.dump(file);
            recording.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /**
     * @param frame a method as {@code package.Class.method}
     * @param samples execution samples with it (top frame, or anywhere on the stack)
     * @param share samples / all samples
     */
    public record HotFrame(String frame, long samples, double share) {}

    /**
     * The collector's stop-the-world pauses in a recording: on two shared cores a tail latency is
     * often made of them, and the execution samples cannot show it (a paused JVM takes none).
     *
     * @param collections {@code jdk.GarbageCollection} events
     * @param paused the sum of their pauses
     * @param longest the longest single pause
     * @param over20ms collections whose longest pause was over 20 ms
     * @param recorded from the recording's first event to its last
     */
    public record GcPauses(
            long collections, Duration paused, Duration longest, long over20ms, Duration recorded) {
        /** {@code paused} / {@code recorded}. */
        public double share() {
            return recorded.isZero() ? 0 : paused.toNanos() / (double) recorded.toNanos();
        }
    }

    /** The garbage collector's pauses in {@code jfr}. */
    public static GcPauses gcPauses(Path jfr) throws IOException {
        long collections = 0;
        long over = 0;
        Duration paused = Duration.ZERO;
        Duration longest = Duration.ZERO;
        Instant first = null;
        Instant last = null;
        try (RecordingFile file = new RecordingFile(jfr)) {
            while (file.hasMoreEvents()) {
                RecordedEvent e = file.readEvent();
                first =
                        first == null || e.getStartTime().isBefore(first)
                                ? e.getStartTime()
                                : first;
                last = last == null || e.getEndTime().isAfter(last) ? e.getEndTime() : last;
                if (e.getEventType().getName().equals("jdk.GarbageCollection")) {
                    collections++;
                    Duration longestHere = e.getDuration("longestPause");
                    paused = paused.plus(e.getDuration("sumOfPauses"));
                    longest = longestHere.compareTo(longest) > 0 ? longestHere : longest;
                    over += longestHere.toMillis() > 20 ? 1 : 0;
                }
            }
        }
        Duration recorded = first == null ? Duration.ZERO : Duration.between(first, last);
        return new GcPauses(collections, paused, longest, over, recorded);
    }

    /** The methods most often on top of the stack in {@code jdk.ExecutionSample} events. */
    public static List<HotFrame> topFrames(Path jfr, int limit) throws IOException {
        return hottest(jfr, limit, false, "");
    }

    /**
     * The methods whose name starts with {@code prefix} most often anywhere on the sampled stack
     * (counted once per sample): which of our code the CPU time was spent under.
     */
    public static List<HotFrame> onStack(Path jfr, int limit, String prefix) throws IOException {
        return hottest(jfr, limit, true, prefix);
    }

    /**
     * The threads with the most execution samples, names normalised (ids and numbers dropped) so
     * that a pool's threads add up: where the CPU went, by component.
     */
    public static List<HotFrame> threads(Path jfr, int limit) throws IOException {
        Map<String, Long> counts = new HashMap<>();
        long total = 0;
        try (RecordingFile file = new RecordingFile(jfr)) {
            while (file.hasMoreEvents()) {
                RecordedEvent e = file.readEvent();
                if (e.getEventType().getName().equals("jdk.ExecutionSample")
                        && e.getThread("sampledThread") != null) {
                    total++;
                    String name = String.valueOf(e.getThread("sampledThread").getJavaName());
                    counts.merge(normalise(name), 1L, Long::sum);
                }
            }
        }
        return top(counts, total, limit);
    }

    private static String normalise(String thread) {
        if (thread.isBlank()) {
            return "(unnamed: virtual threads, e.g. Helidon request handlers)";
        }
        return thread.replaceAll("\\[[^]]*]", "[*]")
                .replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "*")
                .replaceAll("\\d+", "N");
    }

    private static List<HotFrame> top(Map<String, Long> counts, long total, int limit) {
        long all = Math.max(1, total);
        return counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
                .limit(limit)
                .map(en -> new HotFrame(en.getKey(), en.getValue(), en.getValue() / (double) all))
                .toList();
    }

    private static List<HotFrame> hottest(Path jfr, int limit, boolean wholeStack, String prefix)
            throws IOException {
        Map<String, Long> counts = new HashMap<>();
        long total = 0;
        try (RecordingFile file = new RecordingFile(jfr)) {
            while (file.hasMoreEvents()) {
                RecordedEvent e = file.readEvent();
                if (!e.getEventType().getName().equals("jdk.ExecutionSample")
                        || e.getStackTrace() == null) {
                    continue;
                }
                total++;
                count(e.getStackTrace().getFrames(), wholeStack, prefix, counts);
            }
        }
        return top(counts, total, limit);
    }

    private static void count(
            List<RecordedFrame> frames,
            boolean wholeStack,
            String prefix,
            Map<String, Long> counts) {
        Set<String> seen = new HashSet<>();
        for (RecordedFrame f :
                wholeStack ? frames : frames.subList(0, Math.min(1, frames.size()))) {
            String name = f.getMethod().getType().getName() + "." + f.getMethod().getName();
            if (name.startsWith(prefix) && seen.add(name)) {
                counts.merge(name, 1L, Long::sum);
            }
        }
    }
}
