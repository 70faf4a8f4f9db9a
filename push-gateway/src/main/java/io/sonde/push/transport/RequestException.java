package io.sonde.push.transport;

import io.helidon.http.Status;

/**
 * A request the gateway refuses, with the status and the JSON error of docs/errors.md to answer it
 * with.
 */
final class RequestException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient Status status;
    private final String code;

    RequestException(Status status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    static RequestException badRequest(String message) {
        return new RequestException(Status.BAD_REQUEST_400, "bad_request", message);
    }

    static RequestException unauthenticated(String message) {
        return new RequestException(Status.UNAUTHORIZED_401, "unauthenticated", message);
    }

    static RequestException forbidden(String message) {
        return new RequestException(Status.FORBIDDEN_403, "forbidden", message);
    }

    static RequestException notFound(String message) {
        return new RequestException(Status.NOT_FOUND_404, "not_found", message);
    }

    Status status() {
        return status;
    }

    String code() {
        return code;
    }
}
