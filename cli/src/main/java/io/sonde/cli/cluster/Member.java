package io.sonde.cli.cluster;

/**
 * One process of the local cluster: a broker, a service instance or nginx.
 *
 * @param name unique and stable, e.g. {@code broker-2}, {@code push-1}; names files and commands
 * @param kind what it runs
 * @param index 1-based among members of its kind (a broker's node id)
 * @param port its main port: a broker's client listener, a service's HTTP port, nginx's push port
 */
public record Member(String name, Kind kind, int index, int port) {
    /** What a member runs. */
    public enum Kind {
        // In start order.
        BROKER("broker"),
        PROCESSOR("processor"),
        INGEST("ingest"),
        PUSH("push"),
        NGINX("nginx");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** Whether it is one of Sonde's services (not a broker, not nginx). */
    public boolean isService() {
        return kind == Kind.INGEST || kind == Kind.PROCESSOR || kind == Kind.PUSH;
    }
}
