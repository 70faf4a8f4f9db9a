package io.sonde.push;

/** The push gateway could not start. */
public final class PushGatewayException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PushGatewayException(String message) {
        super(message);
    }

    public PushGatewayException(String message, Throwable cause) {
        super(message, cause);
    }
}
