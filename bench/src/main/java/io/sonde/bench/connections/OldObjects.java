package io.sonde.bench.connections;

import io.sonde.bench.BenchException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedClass;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedObject;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the memory a connection keeps was allocated: JFR's {@code jdk.OldObjectSample} events
 * (objects sampled at allocation that are still live when the recording is dumped), grouped by
 * object type and the first allocation frame outside the JDK. Names the code behind a heap miss.
 */
final class OldObjects {
    private static final String RECORDING = "bench-old-objects";

    private OldObjects() {}

    /**
     * @param site object type and allocating method
     * @param samples live samples from that site
     * @param share samples / all samples
     */
    record Site(String site, long samples, double share) {}

    /** Starts a profiling recording (old-object sampling on) in {@code jvm}. */
    static void start(ServiceJvm jvm) {
        jvm.jcmd("JFR.start", "name=" + RECORDING, "settings=profile");
    }

    /** Dumps the recording to {@code file} and stops it. */
    static Path dump(ServiceJvm jvm, Path file) {
        jvm.jcmd(
                "JFR.dump",
                "name=" + RECORDING,
                "filename=" + file.toAbsolutePath(),
                "path-to-gc-roots=true");
        jvm.jcmd("JFR.stop", "name=" + RECORDING);
        return file;
    }

    /** The {@code limit} sites with the most live samples. */
    static List<Site> sites(Path jfr, int limit) {
        Map<String, Long> counts = new HashMap<>();
        long total = 0;
        try (RecordingFile file = new RecordingFile(jfr)) {
            while (file.hasMoreEvents()) {
                RecordedEvent e = file.readEvent();
                if (!e.getEventType().getName().equals("jdk.OldObjectSample")) {
                    continue;
                }
                total++;
                counts.merge(type(e) + " <- " + allocator(e), 1L, Long::sum);
            }
        } catch (IOException e) {
            throw new BenchException("cannot read " + jfr, e);
        }
        long all = Math.max(1, total);
        return counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
                .limit(limit)
                .map(en -> new Site(en.getKey(), en.getValue(), en.getValue() / (double) all))
                .toList();
    }

    private static String type(RecordedEvent e) {
        RecordedObject object = e.getValue("object");
        if (object == null) {
            return "?";
        }
        RecordedClass type = object.getValue("type");
        return type == null ? "?" : type.getName();
    }

    // The first frame outside the JDK: the library or Sonde code that asked for the memory.
    private static String allocator(RecordedEvent e) {
        if (e.getStackTrace() == null) {
            return "?";
        }
        List<RecordedFrame> frames = e.getStackTrace().getFrames();
        for (RecordedFrame f : frames) {
            String type = f.getMethod().getType().getName();
            if (!type.startsWith("java.") && !type.startsWith("jdk.") && !type.startsWith("sun.")) {
                return type + "." + f.getMethod().getName();
            }
        }
        return frames.isEmpty()
                ? "?"
                : frames.getFirst().getMethod().getType().getName()
                        + "."
                        + frames.getFirst().getMethod().getName();
    }
}
