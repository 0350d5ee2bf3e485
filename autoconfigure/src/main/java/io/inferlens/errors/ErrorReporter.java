package io.inferlens.errors;

/**
 * Forwards captured errors elsewhere, such as to Sentry or to an incident channel. Every
 * bean of this type is called, in order, once per captured error, on the thread that
 * captured it; an implementation that does I/O should hand the error to its own executor.
 * A reporter that throws is logged once at WARN (then at DEBUG) and the others are still
 * called.
 *
 * @author Inferlens
 */
@FunctionalInterface
public interface ErrorReporter {

    /**
     * Report a captured error.
     * @param error the error
     */
    void report(CapturedError error);

}
