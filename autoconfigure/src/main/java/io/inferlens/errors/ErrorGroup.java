package io.inferlens.errors;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The occurrences of one error, grouped by fingerprint, as {@link RecentErrors} holds
 * them: a snapshot, not updated afterwards.
 *
 * @param fingerprint what groups them: the exception's class and top application frame,
 * or the message's text
 * @param type the exception's class name, or {@code message}
 * @param errorType the low-cardinality error type
 * @param frame the top application frame, or {@code null}
 * @param operation the operation of the last occurrence
 * @param count the number of occurrences
 * @param firstSeen when the first occurrence was captured
 * @param lastSeen when the last occurrence was captured
 * @param lastMessage the last occurrence's message, secrets masked
 * @param recentTraceIds the trace ids of the most recent occurrences, newest first
 * @author Inferlens
 */
public record ErrorGroup(String fingerprint, String type, String errorType, @Nullable String frame, String operation,
        long count, Instant firstSeen, Instant lastSeen, String lastMessage, List<String> recentTraceIds) {

}
