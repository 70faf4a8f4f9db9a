package io.sonde.simulator;

/** The simulator could not start or was used in a way it does not support. */
public final class SimulatorException extends RuntimeException {
    public SimulatorException(String message) {
        super(message);
    }

    public SimulatorException(String message, Throwable cause) {
        super(message, cause);
    }
}
