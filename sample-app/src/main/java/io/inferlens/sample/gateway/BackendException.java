package io.inferlens.sample.gateway;

import org.jspecify.annotations.Nullable;

/**
 * The model backend failed to answer: it was unreachable, timed out, or answered with an
 * error status.
 *
 * @author Inferlens
 */
public class BackendException extends RuntimeException {

    private final int backendStatus;

    public BackendException(String message, int backendStatus, @Nullable Throwable cause) {
        super(message, cause);
        this.backendStatus = backendStatus;
    }

    /**
     * HTTP status of the backend's answer, or 0 when there was none.
     * @return the status
     */
    public int getBackendStatus() {
        return this.backendStatus;
    }

}
