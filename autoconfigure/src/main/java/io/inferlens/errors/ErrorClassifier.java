package io.inferlens.errors;

import org.jspecify.annotations.Nullable;

/**
 * Maps an exception to a low-cardinality error type: the {@code error_type} tag of
 * {@code inferlens.errors}. A bean of this type replaces the default, which is the
 * exception's simple class name.
 *
 * @author Inferlens
 */
@FunctionalInterface
public interface ErrorClassifier {

    /**
     * The default classifier: the simple name of the exception's class, or its full name
     * for an anonymous class.
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
