package io.inferlens.errors;

import io.inferlens.observation.ErrorTypes;
import org.jspecify.annotations.Nullable;

/**
 * Maps an exception to a low-cardinality error type: the {@code error.type} tag of
 * {@code inferlens.errors} (Prometheus {@code error_type}) and the error type of the
 * captured error groups. A bean of this type replaces the default, the exception's fully
 * qualified class name, which is also the value of {@code error.type} on the spans and
 * the other series Inferlens records; a classifier of one's own applies to
 * {@code inferlens.errors} and the error groups only, so that series may then carry other
 * values than the rest.
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
