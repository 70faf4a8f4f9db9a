package io.sonde.bench;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The machine a result was measured on, as the results page states it.
 *
 * @param cores processors available to this JVM
 * @param memoryBytes physical memory of the machine
 * @param maxHeapBytes this JVM's maximum heap
 * @param jdk vendor, runtime version and VM name
 * @param os name, version and architecture
 * @param collectors the garbage collectors in use (their MXBean names)
 * @param jvmFlags this JVM's input arguments (-XX flags, -Xmx...)
 */
public record MachineInfo(
        int cores,
        long memoryBytes,
        long maxHeapBytes,
        String jdk,
        String os,
        List<String> collectors,
        List<String> jvmFlags) {

    private static final Path LOADAVG = Path.of("/proc/loadavg");

    public static MachineInfo current() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        long memory =
                os instanceof com.sun.management.OperatingSystemMXBean sun
                        ? sun.getTotalMemorySize()
                        : -1;
        return new MachineInfo(
                Runtime.getRuntime().availableProcessors(),
                memory,
                Runtime.getRuntime().maxMemory(),
                System.getProperty("java.vendor")
                        + " "
                        + System.getProperty("java.runtime.version")
                        + " ("
                        + System.getProperty("java.vm.name")
                        + ")",
                os.getName() + " " + os.getVersion() + " " + os.getArch(),
                ManagementFactory.getGarbageCollectorMXBeans().stream()
                        .map(GarbageCollectorMXBean::getName)
                        .toList(),
                ManagementFactory.getRuntimeMXBean().getInputArguments());
    }

    /** The 1, 5 and 15 minute load averages from /proc/loadavg, or "unavailable". */
    public static String loadAverage() {
        try {
            String[] f = Files.readString(LOADAVG).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | ArrayIndexOutOfBoundsException e) {
            return "unavailable";
        }
    }
}
