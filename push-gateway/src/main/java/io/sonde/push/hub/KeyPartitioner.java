package io.sonde.push.hub;

/**
 * Which partition of a log holds a device's records: the producers' partitioner, supplied by the
 * Kafka side so that the hub can tell which position a device channel reads.
 */
@FunctionalInterface
public interface KeyPartitioner {
    /**
     * @param deviceId the record key
     * @param partitions how many partitions the log has, at least 1
     * @return a partition in {@code [0, partitions)}
     */
    int partition(String deviceId, int partitions);
}
