package io.inferlens.errors;

import java.time.Instant;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * An error captured by an {@link ErrorTracker}, as handed to {@link ErrorReporter}s.
 *
 * @param timestamp when it was captured
 * @param severity its severity: {@link Severity#ERROR} for exceptions
 * @param type the exception's class name, or {@code message} for a captured message
 * @param errorType the low-cardinality type the {@link ErrorClassifier} gave it, the
 * {@code error.type} tag of {@code inferlens.errors}
 * @param message the message, secrets masked and cut to the configured length
 * @param fingerprint what groups occurrences of the same error: the exception's class and
 * its top application frame, or the message's text
 * @param frame the top application frame, {@code class.method(File:line)}, or
 * {@code null}
 * @param operation the operation that failed
 * @param traceId the id of the trace it failed in, or {@code null}
 * @param spanId the id of the span it failed in, or {@code null}
 * @param attributes further attributes of the context
 * @param exception the exception itself, or {@code null} for a message; its messages are
 * not masked, so a reporter that sends them out of the process should mask them with
 * {@link io.inferlens.privacy.Secrets#mask(String)}
 * @author Inferlens
 */
public record CapturedError(Instant timestamp, Severity severity, String type, String errorType, String message,
        String fingerprint, @Nullable String frame, String operation, @Nullable String traceId, @Nullable String spanId,
        Map<String, String> attributes, @Nullable Throwable exception) {

}
