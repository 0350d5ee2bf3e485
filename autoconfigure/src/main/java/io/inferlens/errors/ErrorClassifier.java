package io.inferlens.errors;

import io.inferlens.observation.ErrorTypes;
import org.jspecify.annotations.Nullable;

/**
 * Maps an exception to a low-cardinality error type: the {@code error.type} tag of
 * {@code inferlens.errors} (Prometheus {@code error_type}). A bean of this type replaces
 * the default, which is the exception's fully qualified class name, the value of
 * {@code error.type} on every span and series Inferlens records.
 *
 * @author Inferlens
 */
@FunctionalInterface
public interface ErrorClassifier {

    /**
     * The default classifier: the fully qualified name of the exception's class, as
     * {@link ErrorTypes#of} gives it everywhere.
     */
    ErrorClassifier DEFAULT = ErrorTypes::of;

    /**
     * A classifier of shorter names: the simple name of the exception's class, or its
     * full name for an anonymous class.
     */
    ErrorClassifier SIMPLE_CLASS_NAME = ErrorClassifier::simpleClassName;

    /**
     * Classify an error.
     * @param error the error
     * @return its type, or {@code null} to use the default
     */
    @Nullable String classify(Throwable error);

    /**
     * The simple name of the error's class, or its full name for an anonymous class.
     * @param error the error
     * @return the name
     */
    static String simpleClassName(Throwable error) {
        String name = error.getClass().getSimpleName();
        return name.isEmpty() ? error.getClass().getName() : name;
    }

}
