package io.sonde.bench.connections;

/**
 * How many connections the open-files limits let this machine hold: each connection is one
 * descriptor in the gateway and one in the bench JVM, on top of what each already holds (jars,
 * broker segments, selectors). The soft limit is raised to the hard limit for the gateway; only a
 * process with CAP_SYS_RESOURCE can raise the hard limit itself.
 *
 * @param requested connections asked for
 * @param connections connections the limits allow, at most {@code requested}
 * @param gatewayLimit the gateway's open-files limit
 * @param gatewayUsed descriptors the gateway held at 0 connections
 * @param clientLimit the bench JVM's open-files limit
 * @param clientUsed descriptors the bench JVM held before connecting
 * @param margin descriptors kept free on each side
 */
public record DescriptorBudget(
        int requested,
        int connections,
        long gatewayLimit,
        int gatewayUsed,
        long clientLimit,
        int clientUsed,
        int margin) {

    static DescriptorBudget measure(
            ServiceJvm gateway, SourceAddresses addresses, int requested, int margin) {
        long self = ProcessHandle.current().pid();
        long gatewayLimit = gateway.openFilesLimit();
        int gatewayUsed = gateway.openFiles();
        long clientLimit = ServiceJvm.ProcFiles.openFilesLimit(self);
        int clientUsed = ServiceJvm.ProcFiles.openFiles(self);
        long room =
                Math.min(
                        gatewayLimit - gatewayUsed - margin,
                        clientLimit - clientUsed - margin - 4L * addresses.addressesFor(requested));
        int n = (int) Math.max(0, Math.min(requested, room));
        return new DescriptorBudget(
                requested, n, gatewayLimit, gatewayUsed, clientLimit, clientUsed, margin);
    }

    public boolean capped() {
        return connections < requested;
    }

    public String describe() {
        return String.format(
                "open files: gateway limit %d, %d in use at 0 connections; bench JVM limit %d, %d"
                        + " in use; %d kept free on each side -> %d of %d requested connections%s",
                gatewayLimit,
                gatewayUsed,
                clientLimit,
                clientUsed,
                margin,
                connections,
                requested,
                capped() ? " (capped by the open-files limit)" : "");
    }
}
