package io.inferlens.errors;

/**
 * Captures errors once, wherever they are seen: by Inferlens' aspects and recorders, by
 * Spring MVC's exception handling and by the request logging filter, or by application
 * code. A captured error is counted in {@code inferlens.errors}, logged at ERROR with its
 * trace id, grouped by fingerprint in a bounded store of recent errors, and handed to
 * every {@link ErrorReporter}.
 * <p>
 * An exception is captured once: capturing it again, or an exception that it causes, as
 * when it is rethrown through several instrumented layers or wrapped in a
 * {@code ServletException}, does nothing. Capturing never throws.
 *
 * @author Inferlens
 */
public interface ErrorTracker {

    /**
     * Capture an exception, unless it, or one of its causes, has been captured before.
     * @param error the exception
     * @param context where it was seen
     * @return whether it was captured now; {@code false} if it had been before
     */
    boolean captureException(Throwable error, ErrorContext context);

    /**
     * Capture a message, for a failure with no exception.
     * @param message the message; secrets in it are masked
     * @param severity its severity
     * @param context where it was seen
     */
    void captureMessage(String message, Severity severity, ErrorContext context);

}
