package io.sonde.bench.streams;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;

/**
 * CPU time of one application's stream threads, which run in the bench JVM: how much of a core the
 * processor's work takes per reading, a number the noisy readings/s ratio cannot resolve.
 */
final class StreamThreadCpu {
    /** How many stream threads of the application run, and their CPU time so far. */
    record Sample(int threads, long cpuNanos) {}

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private StreamThreadCpu() {}

    /** The live stream threads of {@code applicationId} and the CPU time they have used. */
    static Sample of(String applicationId) {
        long sum = 0;
        int threads = 0;
        for (ThreadInfo t : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            // Streams names them <application id>-<process id>-StreamThread-<n>.
            if (t != null
                    && t.getThreadName().startsWith(applicationId + "-")
                    && t.getThreadName().contains("-StreamThread-")) {
                sum += Math.max(0, THREADS.getThreadCpuTime(t.getThreadId()));
                threads++;
            }
        }
        return new Sample(threads, sum);
    }
}
