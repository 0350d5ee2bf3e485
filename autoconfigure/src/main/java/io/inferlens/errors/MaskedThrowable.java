package io.inferlens.errors;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.function.UnaryOperator;

import org.jspecify.annotations.Nullable;

/**
 * A copy of an exception whose messages carry secrets, with the messages masked and the
 * same stack traces, so that logging it leaks nothing. Its message starts with the
 * original exception's class name, which a logger prints after this class's name.
 *
 * @author Inferlens
 */
final class MaskedThrowable extends Throwable {

    private static final int MAX_DEPTH = 32;

    private MaskedThrowable(String message, @Nullable Throwable cause, StackTraceElement[] stackTrace) {
        super(message, cause, false, true);
        setStackTrace(stackTrace);
    }

    /**
     * The exception itself when none of its messages, or its causes', changes when
     * masked; otherwise a masked copy.
     * @param error the exception
     * @param mask the masking of a message
     * @return the exception or its masked copy
     */
    static Throwable maskedIfNeeded(Throwable error, UnaryOperator<String> mask) {
        return needsMasking(error, mask) ? copy(error, mask, 0) : error;
    }

    private static boolean needsMasking(Throwable error, UnaryOperator<String> mask) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable candidate = error; candidate != null && seen.size() < MAX_DEPTH
                && seen.add(candidate); candidate = candidate.getCause()) {
            String message = candidate.getMessage();
            if (message != null && !message.equals(mask.apply(message))) {
                return true;
            }
        }
        return false;
    }

    private static MaskedThrowable copy(Throwable error, UnaryOperator<String> mask, int depth) {
        Throwable cause = error.getCause();
        MaskedThrowable maskedCause = (cause != null && cause != error && depth < MAX_DEPTH)
                ? copy(cause, mask, depth + 1) : null;
        String message = error.getMessage();
        String text = error.getClass().getName() + ((message != null) ? ": " + mask.apply(message) : "");
        return new MaskedThrowable(text, maskedCause, error.getStackTrace());
    }

}
