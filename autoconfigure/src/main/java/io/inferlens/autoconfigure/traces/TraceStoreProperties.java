package io.inferlens.autoconfigure.traces;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties of the trace store, under {@code inferlens.trace-store}.
 *
 * @author Inferlens
 */
@ConfigurationProperties(TraceStoreProperties.PREFIX)
public class TraceStoreProperties {

    static final String PREFIX = "inferlens.trace-store";

    /**
     * Whether to keep recent traces in memory. When not set, they are kept when the
     * inferlens endpoint that reads them is available (they cost about 1 µs per sampled
     * span).
     */
    private @Nullable Boolean enabled;

    /**
     * Maximum number of traces kept. When a new trace arrives and the store is full, the
     * least recently written trace is evicted. Must be at least 1.
     */
    private int maxTraces = 1000;

    /**
     * Maximum number of spans kept per trace. Further spans of a full trace are dropped,
     * and counted. Must be at least 1.
     */
    private int maxSpansPerTrace = 500;

    /**
     * Maximum length, in characters, of a string attribute value kept, on spans and on
     * their events; longer ones are truncated. Must be at least 1.
     */
    private int maxAttributeValueLength = 1000;

    public @Nullable Boolean getEnabled() {
        return this.enabled;
    }

    public void setEnabled(@Nullable Boolean enabled) {
        this.enabled = enabled;
    }

    public int getMaxTraces() {
        return this.maxTraces;
    }

    public void setMaxTraces(int maxTraces) {
        this.maxTraces = requireAtLeastOne("max-traces", maxTraces);
    }

    public int getMaxSpansPerTrace() {
        return this.maxSpansPerTrace;
    }

    public void setMaxSpansPerTrace(int maxSpansPerTrace) {
        this.maxSpansPerTrace = requireAtLeastOne("max-spans-per-trace", maxSpansPerTrace);
    }

    public int getMaxAttributeValueLength() {
        return this.maxAttributeValueLength;
    }

    public void setMaxAttributeValueLength(int maxAttributeValueLength) {
        this.maxAttributeValueLength = requireAtLeastOne("max-attribute-value-length", maxAttributeValueLength);
    }

    // Checked here: jakarta.validation is not on every application's classpath.
    private static int requireAtLeastOne(String key, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(PREFIX + "." + key + " must be at least 1, but was " + value);
        }
        return value;
    }

}
