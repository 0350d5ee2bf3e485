package io.inferlens.errors;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A bounded store of recent errors, grouped by fingerprint. It holds at most
 * {@code maxGroups} groups, evicting the one seen least recently, and at most
 * {@code maxTraceIds} trace ids per group. Thread-safe; errors are rare next to calls, so
 * one lock guards it.
 *
 * @author Inferlens
 */
public class RecentErrors {

    private final int maxGroups;

    private final int maxTraceIds;

    // insertion order is the order of last occurrence: a group seen again is moved last
    private final LinkedHashMap<String, Group> groups = new LinkedHashMap<>();

    /**
     * Create a store.
     * @param maxGroups the maximum number of groups, at least 1
     * @param maxTraceIds the maximum number of trace ids kept per group, at least 0
     */
    public RecentErrors(int maxGroups, int maxTraceIds) {
        if (maxGroups < 1) {
            throw new IllegalArgumentException("maxGroups must be at least 1, was " + maxGroups);
        }
        if (maxTraceIds < 0) {
            throw new IllegalArgumentException("maxTraceIds must not be negative, was " + maxTraceIds);
        }
        this.maxGroups = maxGroups;
        this.maxTraceIds = maxTraceIds;
    }

    /**
     * Record an occurrence.
     * @param error the captured error
     */
    public void record(CapturedError error) {
        synchronized (this.groups) {
            Group group = this.groups.remove(error.fingerprint());
            if (group == null) {
                group = new Group(error);
                if (this.groups.size() >= this.maxGroups) {
                    Iterator<Group> eldest = this.groups.values().iterator();
                    eldest.next();
                    eldest.remove();
                }
            }
            group.add(error, this.maxTraceIds);
            this.groups.put(error.fingerprint(), group);
        }
    }

    /**
     * The groups, the most recently seen first.
     * @return a snapshot of the groups
     */
    public List<ErrorGroup> groups() {
        synchronized (this.groups) {
            List<ErrorGroup> snapshot = new ArrayList<>(this.groups.size());
            for (Group group : this.groups.values()) {
                snapshot.add(group.snapshot());
            }
            Collections.reverse(snapshot);
            return snapshot;
        }
    }

    /**
     * One group.
     * @param fingerprint its fingerprint
     * @return a snapshot of it, or {@code null} if there is none
     */
    public @Nullable ErrorGroup group(String fingerprint) {
        synchronized (this.groups) {
            Group group = this.groups.get(fingerprint);
            return (group != null) ? group.snapshot() : null;
        }
    }

    /**
     * The total of the occurrences of the groups held.
     * @return the total
     */
    public long totalCount() {
        synchronized (this.groups) {
            long total = 0;
            for (Group group : this.groups.values()) {
                total += group.count;
            }
            return total;
        }
    }

    /**
     * Forget every group.
     */
    public void clear() {
        synchronized (this.groups) {
            this.groups.clear();
        }
    }

    private static final class Group {

        private final String fingerprint;

        private final String type;

        private final String errorType;

        private final @Nullable String frame;

        private final Instant firstSeen;

        private final ArrayDeque<String> traceIds = new ArrayDeque<>();

        private long count;

        private String operation;

        private Instant lastSeen;

        private String lastMessage;

        Group(CapturedError first) {
            this.fingerprint = first.fingerprint();
            this.type = first.type();
            this.errorType = first.errorType();
            this.frame = first.frame();
            this.firstSeen = first.timestamp();
            this.operation = first.operation();
            this.lastSeen = first.timestamp();
            this.lastMessage = first.message();
        }

        void add(CapturedError error, int maxTraceIds) {
            this.count++;
            this.operation = error.operation();
            this.lastSeen = error.timestamp();
            this.lastMessage = error.message();
            String traceId = error.traceId();
            if (traceId != null && maxTraceIds > 0) {
                this.traceIds.remove(traceId);
                if (this.traceIds.size() >= maxTraceIds) {
                    this.traceIds.removeLast();
                }
                this.traceIds.addFirst(traceId);
            }
        }

        ErrorGroup snapshot() {
            return new ErrorGroup(this.fingerprint, this.type, this.errorType, this.frame, this.operation, this.count,
                    this.firstSeen, this.lastSeen, this.lastMessage, List.copyOf(this.traceIds));
        }

    }

}
