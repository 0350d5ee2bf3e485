package io.inferlens.autoconfigure.traced;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties for the detection of slow {@code @Traced} calls.
 *
 * @author Inferlens
 */
@ConfigurationProperties(SlowCallsProperties.PREFIX)
public class SlowCallsProperties {

    static final String PREFIX = "inferlens.slow-calls";

    /**
     * Whether slow calls of @Traced operations are logged at WARN and marked on their
     * span with inferlens.slow=true.
     */
    private boolean enabled = true;

    /**
     * Duration above which a call of an operation with no threshold of its own is slow.
     * Zero for none.
     */
    private Duration threshold = Duration.ofSeconds(2);

    /**
     * Thresholds of given operations, by operation name, such as
     * inferlens.slow-calls.operations[gateway.route]=500ms. Zero for none.
     */
    private Map<String, Duration> operations = new LinkedHashMap<>();

    public boolean isEnabled() {
        return this.enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public Duration getThreshold() {
        return this.threshold;
    }

    public void setThreshold(Duration threshold) {
        if (threshold.isNegative()) {
            throw new IllegalArgumentException(PREFIX + ".threshold must not be negative, but was " + threshold);
        }
        this.threshold = threshold;
    }

    public Map<String, Duration> getOperations() {
        return this.operations;
    }

    public void setOperations(Map<String, Duration> operations) {
        operations.forEach((operation, threshold) -> {
            if (threshold.isNegative()) {
                throw new IllegalArgumentException(
                        PREFIX + ".operations[" + operation + "] must not be negative, but was " + threshold);
            }
        });
        this.operations = operations;
    }

}
