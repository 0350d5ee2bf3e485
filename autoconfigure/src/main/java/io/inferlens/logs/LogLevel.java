package io.inferlens.logs;

/**
 * Level of a {@link TraceLogEvent}, from the least to the most severe. Inferlens' own
 * enum, so that the store and its readers do not depend on a logging library.
 *
 * @author Inferlens
 */
public enum LogLevel {

    /**
     * Finest-grained detail.
     */
    TRACE,

    /**
     * Diagnostic detail.
     */
    DEBUG,

    /**
     * Normal operation.
     */
    INFO,

    /**
     * Something unexpected that the application recovered from.
     */
    WARN,

    /**
     * A failure.
     */
    ERROR;

    /**
     * Whether this level is at least as severe as another.
     * @param threshold the other level
     * @return whether this level is the same as or more severe than the threshold
     */
    public boolean isAtLeast(LogLevel threshold) {
        return ordinal() >= threshold.ordinal();
    }

}
