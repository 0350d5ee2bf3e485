package io.inferlens.errors;

/**
 * Severity of a captured message, in the levels error trackers such as Sentry use.
 *
 * @author Inferlens
 */
public enum Severity {

    /**
     * Diagnostic detail.
     */
    DEBUG,

    /**
     * Something worth knowing, not a failure.
     */
    INFO,

    /**
     * A problem the application recovered from.
     */
    WARNING,

    /**
     * A failure of an operation.
     */
    ERROR,

    /**
     * A failure the application cannot recover from.
     */
    FATAL

}
