package io.inferlens.spring.actuate;

import java.util.ArrayList;
import java.util.List;

import io.inferlens.errors.ErrorGroup;
import io.inferlens.errors.RecentErrors;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;

/**
 * What the {@code inferlens} endpoint answers about captured errors: their groups, read
 * from {@link RecentErrors}, which masks messages when it stores them.
 *
 * @author Inferlens
 */
public final class ErrorDescriptors {

    private ErrorDescriptors() {
    }

    /**
     * The most recently seen error groups.
     * @param errors the error store
     * @param maxGroups the most groups listed
     * @return the groups
     */
    public static ErrorList errors(RecentErrors errors, int maxGroups) {
        List<ErrorGroupLine> groups = new ArrayList<>();
        for (ErrorGroup group : errors.groups()) {
            if (groups.size() == maxGroups) {
                break;
            }
            groups.add(ErrorGroupLine.of(group));
        }
        return new ErrorList(errors.totalCount(), groups);
    }

    /**
     * One error group.
     * @param errors the error store
     * @param fingerprint the group's fingerprint
     * @return the group, or {@code null} if there is none
     */
    public static @Nullable ErrorGroupLine group(RecentErrors errors, String fingerprint) {
        ErrorGroup group = errors.group(fingerprint);
        return (group != null) ? ErrorGroupLine.of(group) : null;
    }

    /**
     * Error groups.
     *
     * @param total the number of errors captured, in every group
     * @param groups the groups, most recently seen first
     */
    public record ErrorList(long total, List<ErrorGroupLine> groups) implements OperationResponseBody {

    }

    /**
     * One error group.
     *
     * @param fingerprint what groups its errors
     * @param type the exception's class name, or {@code message}
     * @param errorType the low-cardinality error type
     * @param frame the top application frame, or {@code null}
     * @param operation the operation of the last occurrence
     * @param count the number of occurrences
     * @param firstSeen when the first was captured, ISO-8601
     * @param lastSeen when the last was captured, ISO-8601
     * @param lastMessage the last message, masked
     * @param recentTraceIds the trace ids of the latest occurrences, newest first
     */
    public record ErrorGroupLine(String fingerprint, String type, String errorType, @Nullable String frame,
            String operation, long count, String firstSeen, String lastSeen, String lastMessage,
            List<String> recentTraceIds) implements OperationResponseBody {

        static ErrorGroupLine of(ErrorGroup group) {
            return new ErrorGroupLine(group.fingerprint(), group.type(), group.errorType(), group.frame(),
                    group.operation(), group.count(), group.firstSeen().toString(), group.lastSeen().toString(),
                    group.lastMessage(), group.recentTraceIds());
        }

    }

}
