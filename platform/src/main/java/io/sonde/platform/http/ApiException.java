package io.sonde.platform.http;

import io.helidon.http.Status;
import java.util.Optional;

/**
 * A request a service refuses, with the status and the JSON error to answer it with
 * (docs/errors.md): {@code {"code","message"}}, and {@code "field"} when one field is at fault.
 * Codes are lower-case words joined by underscores.
 */
public final class ApiException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient Status status;
    private final String code;
    private final transient Optional<String> field;
    private final long retryAfterSeconds;

    public ApiException(Status status, String code, String message) {
        this(status, code, message, Optional.empty(), 0);
    }

    private ApiException(
            Status status, String code, String message, Optional<String> field, long retryAfter) {
        super(message);
        this.status = status;
        this.code = code;
        this.field = field;
        this.retryAfterSeconds = retryAfter;
    }

    public static ApiException badRequest(String message) {
        return new ApiException(Status.BAD_REQUEST_400, "bad_request", message);
    }

    /** A 400 naming the field at fault. */
    public static ApiException badField(String code, String field, String message) {
        return new ApiException(Status.BAD_REQUEST_400, code, message, Optional.of(field), 0);
    }

    public static ApiException unauthenticated(String message) {
        return new ApiException(Status.UNAUTHORIZED_401, "unauthenticated", message);
    }

    public static ApiException forbidden(String message) {
        return new ApiException(Status.FORBIDDEN_403, "forbidden", message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(Status.NOT_FOUND_404, "not_found", message);
    }

    /** A 503 with {@code Retry-After}: the service cannot answer right now. */
    public static ApiException unavailable(String message, long retryAfterSeconds) {
        return new ApiException(
                Status.SERVICE_UNAVAILABLE_503,
                "unavailable",
                message,
                Optional.empty(),
                retryAfterSeconds);
    }

    public Status status() {
        return status;
    }

    public String code() {
        return code;
    }

    public Optional<String> field() {
        return field;
    }

    /** Seconds for {@code Retry-After}; 0 for none. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
