package io.inferlens.observation;

import org.jspecify.annotations.Nullable;

/**
 * The one vocabulary of outcomes across everything Inferlens observes: the key
 * {@code error.type} of the OpenTelemetry semantic conventions, whose value is the fully
 * qualified class name of the exception a call failed with, and which is absent (an empty
 * tag, which Prometheus treats as absent) when the call succeeded.
 *
 * @author Inferlens
 */
public final class ErrorTypes {

    /**
     * The key, a span attribute and a metric tag.
     */
    public static final String KEY = "error.type";

    private ErrorTypes() {
    }

    /**
     * The error type of an exception: the fully qualified name of its class.
     * @param error the exception
     * @return its type
     */
    public static String of(Throwable error) {
        return error.getClass().getName();
    }

    /**
     * The error type of a call that may have failed.
     * @param error the exception, or {@code null} if the call succeeded
     * @return its type, or {@code null}
     */
    public static @Nullable String ofNullable(@Nullable Throwable error) {
        return (error != null) ? of(error) : null;
    }

}
