package io.inferlens.traced;

import java.time.Duration;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Says how long a call of a {@link io.inferlens.annotation.Traced @Traced} operation may
 * take before it is slow. A slow call is logged at WARN, on the logger
 * {@code io.inferlens.slow-calls}, and its span gets the attribute
 * {@code inferlens.slow=true}. Asked once per method, on its first call.
 *
 * @author Inferlens
 */
@FunctionalInterface
public interface SlowCallPolicy {

    /**
     * No call is slow.
     */
    SlowCallPolicy NONE = (operation) -> null;

    /**
     * The threshold of an operation.
     * @param operation the operation's name
     * @return the duration above which a call is slow, or {@code null} or zero if no call
     * is
     */
    @Nullable Duration thresholdFor(String operation);

    /**
     * A policy with a default threshold and per-operation overrides.
     * @param defaultThreshold the threshold of operations with no override, or
     * {@code null} or zero for none
     * @param overrides thresholds by operation name; zero for no threshold
     * @return the policy
     */
    static SlowCallPolicy of(@Nullable Duration defaultThreshold, Map<String, Duration> overrides) {
        Map<String, Duration> copy = Map.copyOf(overrides);
        return (operation) -> copy.getOrDefault(operation, defaultThreshold);
    }

}
