package io.sonde.bench.connections;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The memory a child JVM holds after a full GC: heap used (from {@code GC.heap_info} after {@code
 * GC.run}), live object bytes (the {@code GC.class_histogram} total, itself taken after a full GC),
 * RSS from {@code /proc}, open files, and the histogram per class for a diff between two states.
 *
 * @param connections gateway sessions when measured
 * @param heapUsedBytes heap in use after {@code GC.run}
 * @param liveBytes bytes of live objects (class histogram total)
 * @param rssBytes resident set size
 * @param openFiles file descriptors held
 * @param classes per class name: instances and bytes
 */
public record Footprint(
        int connections,
        long heapUsedBytes,
        long liveBytes,
        long rssBytes,
        int openFiles,
        Map<String, ClassUse> classes) {

    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");
    private static final Pattern HISTO_ROW =
            Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)", Pattern.MULTILINE);
    private static final Pattern HISTO_TOTAL =
            Pattern.compile("^Total\\s+(\\d+)\\s+(\\d+)", Pattern.MULTILINE);

    /** Instances and bytes of one class. */
    public record ClassUse(long instances, long bytes) {}

    /** One class's growth between two footprints. */
    public record Growth(String className, long instances, long bytes) {}

    /** Runs a full GC in {@code jvm} and measures it. */
    public static Footprint measure(ServiceJvm jvm, int connections) {
        jvm.jcmd("GC.run");
        long heapUsed = heapUsed(jvm.jcmd("GC.heap_info"));
        String histogram = jvm.jcmd("GC.class_histogram");
        Map<String, ClassUse> classes = new HashMap<>();
        Matcher row = HISTO_ROW.matcher(histogram);
        while (row.find()) {
            classes.merge(
                    row.group(3),
                    new ClassUse(Long.parseLong(row.group(1)), Long.parseLong(row.group(2))),
                    (a, b) -> new ClassUse(a.instances() + b.instances(), a.bytes() + b.bytes()));
        }
        Matcher total = HISTO_TOTAL.matcher(histogram);
        long live = total.find() ? Long.parseLong(total.group(2)) : -1;
        return new Footprint(
                connections, heapUsed, live, jvm.rssBytes(), jvm.openFiles(), Map.copyOf(classes));
    }

    static long heapUsed(String heapInfo) {
        Matcher m = HEAP_USED.matcher(heapInfo);
        return m.find() ? Long.parseLong(m.group(1)) * 1024 : -1;
    }

    /** The {@code limit} classes that grew most in bytes from {@code base} to this. */
    public List<Growth> growthSince(Footprint base, int limit) {
        return classes.entrySet().stream()
                .map(e -> {
                    ClassUse before = base.classes.getOrDefault(e.getKey(), new ClassUse(0, 0));
                    return new Growth(
                            e.getKey(),
                            e.getValue().instances() - before.instances(),
                            e.getValue().bytes() - before.bytes());
                })
                .sorted(Comparator.comparingLong(Growth::bytes).reversed())
                .limit(limit)
                .toList();
    }

    /** Live instances of exactly {@code className}. */
    public long instances(String className) {
        ClassUse use = classes.get(className);
        return use == null ? 0 : use.instances();
    }

    /** Instances of classes whose name contains {@code fragment}. */
    public long instancesOf(String fragment) {
        return classes.entrySet().stream()
                .filter(e -> e.getKey().contains(fragment))
                .mapToLong(e -> e.getValue().instances())
                .sum();
    }
}
