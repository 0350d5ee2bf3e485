package io.inferlens.propagation;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.TraceStateBuilder;
import org.jspecify.annotations.Nullable;

/**
 * A {@link TraceState} that follows the key grammar of W3C Trace Context Level 2, and its
 * parser. OpenTelemetry's own {@code TraceState} (API 1.62) still validates keys with the
 * Level 1 multi-tenant grammar (tenant up to 241 characters, one {@code @}, vendor of 1
 * to 14 characters, a simple key starting with a letter), and drops the whole
 * {@code tracestate} when one member does not pass it. Level 2 allows a key of up to 256
 * characters from {@code a-z 0-9 _ - * / @} that starts with a letter or a digit, so
 * {@code t@vvvvvvvvvvvvvvv}, {@code foo@@bar} and {@code 1abc} are valid.
 * <p>
 * Members keep the order of the header. The SDK hands this instance to child spans
 * unchanged, and OpenTelemetry's {@code W3CTraceContextPropagator} writes every member on
 * outgoing calls.
 *
 * @author Inferlens
 */
public final class W3CTraceState implements TraceState {

    /**
     * Largest number of list members of a {@code tracestate}.
     */
    public static final int MAX_MEMBERS = 32;

    static final int MAX_KEY_LENGTH = 256;

    static final int MAX_VALUE_LENGTH = 256;

    private static final W3CTraceState EMPTY = new W3CTraceState(List.of());

    /** Keys and values, alternating, in header order. */
    private final List<String> entries;

    private W3CTraceState(List<String> entries) {
        this.entries = entries;
    }

    /**
     * Parse the values of the {@code tracestate} header fields of a request, combined in
     * order as RFC 9110 combines repeated fields. Empty and whitespace-only members are
     * skipped. Of members with the same key, in one field or across several, only the
     * first (left-most, the most recently updated) is kept, as the specification allows;
     * the other members are all kept. The whole trace state is discarded, as the W3C test
     * suite expects, when a member is not {@code key=value} by the Level 2 grammar or
     * when there are more than {@value #MAX_MEMBERS} members, duplicated ones included:
     * the limit is on the list as received.
     * @param headerValues the header values, in order
     * @return the trace state, empty when there is none or it is invalid
     */
    public static TraceState parse(Iterator<String> headerValues) {
        List<String> entries = new ArrayList<>();
        int members = 0;
        while (headerValues.hasNext()) {
            String header = headerValues.next();
            if (header != null) {
                members = parseHeader(header, entries, members);
                if (members == -1) {
                    return EMPTY;
                }
            }
        }
        return entries.isEmpty() ? EMPTY : new W3CTraceState(Collections.unmodifiableList(entries));
    }

    /**
     * Parse a single {@code tracestate} header value.
     * @param header the header value
     * @return the trace state, empty when there is none or it is invalid
     * @see #parse(Iterator)
     */
    public static TraceState parse(String header) {
        return parse(List.of(header).iterator());
    }

    /**
     * Add the members of one header value to the entries.
     * @return the number of non-empty members received so far, duplicated ones included,
     * or {@code -1} when the trace state is invalid
     */
    private static int parseHeader(String header, List<String> entries, int members) {
        int length = header.length();
        int start = 0;
        while (start <= length) {
            int end = header.indexOf(',', start);
            if (end == -1) {
                end = length;
            }
            int memberStart = start;
            int memberEnd = end;
            while (memberStart < memberEnd && isOws(header.charAt(memberStart))) {
                memberStart++;
            }
            while (memberEnd > memberStart && isOws(header.charAt(memberEnd - 1))) {
                memberEnd--;
            }
            if (memberStart < memberEnd) {
                if (members == MAX_MEMBERS || !addMember(header, memberStart, memberEnd, entries)) {
                    return -1;
                }
                members++;
            }
            start = end + 1;
        }
        return members;
    }

    private static boolean addMember(String header, int start, int end, List<String> entries) {
        int equals = header.indexOf('=', start);
        if (equals == -1 || equals >= end || !isValidKey(header, start, equals)
                || !isValidValue(header, equals + 1, end)) {
            return false;
        }
        String key = header.substring(start, equals);
        // A sender must not duplicate a key, but a receiver may discard duplicates
        // rather than the whole list (the W3C test suite accepts either since 2022).
        // Mutations move a key to the front, so the left-most entry is the latest.
        if (indexOfKey(entries, key) == -1) {
            entries.add(key);
            entries.add(header.substring(equals + 1, end));
        }
        return true;
    }

    /**
     * Whether a key follows the Level 2 grammar:
     * {@code key = ( lcalpha / DIGIT ) 0*255 ( keychar )}, with
     * {@code keychar = lcalpha / DIGIT / "_" / "-" / "*" / "/" / "@"}.
     * @param key the key
     * @return whether the key is valid
     */
    public static boolean isValidKey(@Nullable String key) {
        return key != null && isValidKey(key, 0, key.length());
    }

    private static boolean isValidKey(String text, int start, int end) {
        int length = end - start;
        if (length < 1 || length > MAX_KEY_LENGTH || !isLowercaseLetterOrDigit(text.charAt(start))) {
            return false;
        }
        for (int i = start + 1; i < end; i++) {
            char c = text.charAt(i);
            if (!isLowercaseLetterOrDigit(c) && c != '_' && c != '-' && c != '*' && c != '/' && c != '@') {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether a value follows the grammar: 1 to 256 printable ASCII characters other than
     * {@code ,} and {@code =}, the last one not a space.
     * @param value the value
     * @return whether the value is valid
     */
    public static boolean isValidValue(@Nullable String value) {
        return value != null && isValidValue(value, 0, value.length());
    }

    private static boolean isValidValue(String text, int start, int end) {
        int length = end - start;
        if (length < 1 || length > MAX_VALUE_LENGTH || text.charAt(end - 1) == ' ') {
            return false;
        }
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            if (c < ' ' || c > '~' || c == ',' || c == '=') {
                return false;
            }
        }
        return true;
    }

    private static boolean isLowercaseLetterOrDigit(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    }

    private static boolean isOws(char c) {
        return c == ' ' || c == '\t';
    }

    private static int indexOfKey(List<String> entries, String key) {
        for (int i = 0; i < entries.size(); i += 2) {
            if (entries.get(i).equals(key)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Return a builder of a trace state that validates keys and values with the Level 2
     * grammar.
     * @return a builder of an empty trace state
     */
    public static TraceStateBuilder builder() {
        return new Builder(List.of());
    }

    @Override
    public @Nullable String get(String key) {
        int index = indexOfKey(this.entries, key);
        return (index != -1) ? this.entries.get(index + 1) : null;
    }

    @Override
    public int size() {
        return this.entries.size() / 2;
    }

    @Override
    public boolean isEmpty() {
        return this.entries.isEmpty();
    }

    @Override
    public void forEach(BiConsumer<String, String> consumer) {
        for (int i = 0; i < this.entries.size(); i += 2) {
            consumer.accept(this.entries.get(i), this.entries.get(i + 1));
        }
    }

    @Override
    public Map<String, String> asMap() {
        Map<String, String> map = new LinkedHashMap<>();
        forEach(map::put);
        return Collections.unmodifiableMap(map);
    }

    @Override
    public TraceStateBuilder toBuilder() {
        return new Builder(this.entries);
    }

    @Override
    public boolean equals(@Nullable Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof TraceState traceState)) {
            return false;
        }
        List<String> otherEntries = new ArrayList<>();
        traceState.forEach((key, value) -> {
            otherEntries.add(key);
            otherEntries.add(value);
        });
        return this.entries.equals(otherEntries);
    }

    @Override
    public int hashCode() {
        return this.entries.hashCode();
    }

    @Override
    public String toString() {
        StringBuilder builder = new StringBuilder();
        forEach((key,
                value) -> builder.append((builder.length() > 0) ? "," : "").append(key).append('=').append(value));
        return builder.toString();
    }

    /**
     * Builder that applies the mutation rules of the specification: a put key moves to
     * the front (left), and when the list would exceed {@value #MAX_MEMBERS} members the
     * right-most member is removed. Invalid keys and values are ignored, as
     * OpenTelemetry's builder does.
     */
    private static final class Builder implements TraceStateBuilder {

        private final List<String> entries;

        Builder(List<String> entries) {
            this.entries = new ArrayList<>(entries);
        }

        @Override
        public TraceStateBuilder put(String key, String value) {
            if (!isValidKey(key) || !isValidValue(value)) {
                return this;
            }
            remove(key);
            this.entries.add(0, value);
            this.entries.add(0, key);
            while (this.entries.size() > MAX_MEMBERS * 2) {
                this.entries.remove(this.entries.size() - 1);
                this.entries.remove(this.entries.size() - 1);
            }
            return this;
        }

        @Override
        public TraceStateBuilder remove(String key) {
            int index = indexOfKey(this.entries, key);
            if (index != -1) {
                this.entries.remove(index + 1);
                this.entries.remove(index);
            }
            return this;
        }

        @Override
        public TraceState build() {
            return this.entries.isEmpty() ? EMPTY : new W3CTraceState(List.copyOf(this.entries));
        }

    }

}
