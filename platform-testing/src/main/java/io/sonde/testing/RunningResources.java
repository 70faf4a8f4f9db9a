package io.sonde.testing;

import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/**
 * What a service leaves behind in this JVM: its platform threads and its Kafka clients (every
 * producer, consumer and admin client registers an {@code app-info} MBean until it is closed). Take
 * a {@link #now()} before, then {@link #assertNothingLeftSince} after.
 */
public record RunningResources(Set<Long> threads, Set<ObjectName> kafkaClients) {
    // Threads of the JDK and the test tools, which come and go on their own; and Helidon's
    // idle-connection timer: Helidon 4 starts one daemon Timer per WebServer and never cancels
    // it, on a normal stop too (LoomServer), so it outlives every server; it holds no socket.
    private static final List<String> NOT_OURS =
            List.of(
                    "helidon-idle-connection-timer",
                    "awaitility",
                    "ForkJoinPool",
                    "HttpClient",
                    "Common-Cleaner",
                    "process reaper",
                    "Attach Listener",
                    "surefire",
                    "junit",
                    "RMI",
                    "JMX");

    public static RunningResources now() {
        Set<Long> ids =
                Thread.getAllStackTraces().keySet().stream()
                        .map(Thread::threadId)
                        .collect(Collectors.toSet());
        return new RunningResources(ids, kafkaClientBeans());
    }

    /**
     * Waits up to 10 s (a closing client's thread takes a moment to end) for every thread and Kafka
     * client started since {@code before} to be gone.
     */
    public static void assertNothingLeftSince(RunningResources before) {
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> {
                    Set<String> threads = newThreads(before);
                    Set<ObjectName> clients = new HashSet<>(kafkaClientBeans());
                    clients.removeAll(before.kafkaClients());
                    if (!threads.isEmpty() || !clients.isEmpty()) {
                        throw new AssertionError(
                                "left running: threads " + threads + ", Kafka clients " + clients);
                    }
                });
    }

    private static Set<String> newThreads(RunningResources before) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .filter(t -> !before.threads().contains(t.threadId()))
                .map(Thread::getName)
                .filter(name -> NOT_OURS.stream().noneMatch(name::contains))
                .collect(Collectors.toSet());
    }

    private static Set<ObjectName> kafkaClientBeans() {
        try {
            Set<ObjectName> all = new HashSet<>();
            for (String domain :
                    List.of("kafka.producer", "kafka.consumer", "kafka.admin.client")) {
                all.addAll(
                        ManagementFactory.getPlatformMBeanServer()
                                .queryNames(new ObjectName(domain + ":type=app-info,*"), null));
            }
            return all;
        } catch (MalformedObjectNameException e) {
            throw new IllegalStateException(e);
        }
    }
}
