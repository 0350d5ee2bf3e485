package io.inferlens.traces;

/**
 * The status of a {@link StoredSpan}, as OpenTelemetry sets it.
 *
 * @author Inferlens
 */
public enum SpanStatus {

    /**
     * No status was set: the default of a span that did not fail.
     */
    UNSET,

    /**
     * The operation was explicitly marked as successful.
     */
    OK,

    /**
     * The operation failed.
     */
    ERROR

}
