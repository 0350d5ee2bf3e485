package io.inferlens.autoconfigure.metrics;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties for Inferlens' meters.
 *
 * @author Inferlens
 */
@ConfigurationProperties(InferlensMetricsProperties.PREFIX)
public class InferlensMetricsProperties {

    static final String PREFIX = "inferlens.metrics";

    /**
     * Maximum number of distinct values of each tag whose values come from callers, such
     * as model, provider, target, experiment or variant, per meter name. Further values
     * are recorded as 'other'. Must be at least 1.
     */
    private int maxTagValues = 100;

    public int getMaxTagValues() {
        return this.maxTagValues;
    }

    public void setMaxTagValues(int maxTagValues) {
        // Checked here: jakarta.validation is not on every application's classpath.
        if (maxTagValues < 1) {
            throw new IllegalArgumentException(PREFIX + ".max-tag-values must be at least 1, but was " + maxTagValues);
        }
        this.maxTagValues = maxTagValues;
    }

}
