package io.inferlens.autoconfigure.logs;

import io.inferlens.logs.LogLevel;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties of logs per trace, under {@code inferlens.trace-logs}.
 *
 * @author Inferlens
 */
@ConfigurationProperties(TraceLogsProperties.PREFIX)
public class TraceLogsProperties {

    static final String PREFIX = "inferlens.trace-logs";

    /**
     * Whether to keep recent log events per trace id.
     */
    private boolean enabled = true;

    /**
     * Lowest level of the log events kept.
     */
    private LogLevel level = LogLevel.INFO;

    /**
     * Maximum number of traces whose events are kept. When a new trace arrives and the
     * store is full, the least recently written trace is evicted. Must be at least 1.
     */
    private int maxTraces = 1000;

    /**
     * Maximum number of events kept per trace. When a trace is full, its oldest event is
     * dropped, and counted. Must be at least 1.
     */
    private int maxEventsPerTrace = 50;

    /**
     * Maximum length, in characters, of a message kept; longer ones are truncated. Also
     * applies to exception messages and to the keys and values of key-value pairs. Must
     * be at least 1.
     */
    private int maxMessageLength = 500;

    /**
     * MDC key of the trace id. Events with no value under it are not kept.
     */
    private String traceIdKey = "traceId";

    /**
     * MDC key of the span id.
     */
    private String spanIdKey = "spanId";

    public boolean isEnabled() {
        return this.enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public LogLevel getLevel() {
        return this.level;
    }

    public void setLevel(LogLevel level) {
        this.level = level;
    }

    public int getMaxTraces() {
        return this.maxTraces;
    }

    public void setMaxTraces(int maxTraces) {
        this.maxTraces = requireAtLeastOne("max-traces", maxTraces);
    }

    public int getMaxEventsPerTrace() {
        return this.maxEventsPerTrace;
    }

    public void setMaxEventsPerTrace(int maxEventsPerTrace) {
        this.maxEventsPerTrace = requireAtLeastOne("max-events-per-trace", maxEventsPerTrace);
    }

    public int getMaxMessageLength() {
        return this.maxMessageLength;
    }

    public void setMaxMessageLength(int maxMessageLength) {
        this.maxMessageLength = requireAtLeastOne("max-message-length", maxMessageLength);
    }

    public String getTraceIdKey() {
        return this.traceIdKey;
    }

    public void setTraceIdKey(String traceIdKey) {
        this.traceIdKey = requireText("trace-id-key", traceIdKey);
    }

    public String getSpanIdKey() {
        return this.spanIdKey;
    }

    public void setSpanIdKey(String spanIdKey) {
        this.spanIdKey = requireText("span-id-key", spanIdKey);
    }

    // Checked here: jakarta.validation is not on every application's classpath.
    private static int requireAtLeastOne(String key, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(PREFIX + "." + key + " must be at least 1, but was " + value);
        }
        return value;
    }

    private static String requireText(String key, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(PREFIX + "." + key + " must not be empty");
        }
        return value;
    }

}
