package io.inferlens.errors;

/**
 * An {@link ErrorTracker} that throws on every call, for tests that a broken tracker
 * never breaks the call observed.
 *
 * @author Inferlens
 */
public class ThrowingErrorTracker implements ErrorTracker {

    @Override
    public boolean captureException(Throwable error, ErrorContext context) {
        throw new IllegalStateException("tracker broken");
    }

    @Override
    public void captureMessage(String message, Severity severity, ErrorContext context) {
        throw new IllegalStateException("tracker broken");
    }

}
