package io.inferlens.testsupport;

import java.util.List;
import java.util.TreeMap;

import io.inferlens.errors.ErrorContext;
import io.inferlens.errors.ErrorTracker;
import io.inferlens.errors.Severity;
import org.jspecify.annotations.Nullable;

/**
 * An {@link ErrorTracker} that records captures as "type operation attributes" (simple
 * class name, attributes sorted by key), or fails on every call when given no list.
 *
 * @author Inferlens
 */
public final class RecordingErrorTracker implements ErrorTracker {

    private final @Nullable List<String> captured;

    public RecordingErrorTracker(@Nullable List<String> captured) {
        this.captured = captured;
    }

    @Override
    public boolean captureException(Throwable error, ErrorContext context) {
        if (this.captured == null) {
            throw new IllegalStateException("tracker down");
        }
        this.captured.add(error.getClass().getSimpleName() + " " + context.operation() + " "
                + new TreeMap<>(context.attributes()));
        return true;
    }

    @Override
    public void captureMessage(String message, Severity severity, ErrorContext context) {
    }

}
