package io.sonde.platform.service;

/**
 * A service could not start. The message names the service and the part that failed, for a person
 * ("ingest-gateway: http server: port 8081 is in use"); every part started before it has been
 * stopped again when this is thrown.
 */
public final class ServiceStartException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ServiceStartException(String message) {
        super(message);
    }

    public ServiceStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
