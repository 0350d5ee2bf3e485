package io.inferlens.spring.health;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import io.inferlens.circuitbreaker.CircuitBreakerMetrics;
import io.inferlens.circuitbreaker.CircuitBreakerState;
import io.inferlens.stats.ModelStatistics;
import io.inferlens.stats.RequestStatistics;
import io.inferlens.stats.WindowSummary;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * A health indicator that is {@link #DEGRADED degraded} while the error rate of the
 * recent requests, or of the calls to one model, is above a threshold, or a circuit
 * breaker is open, and up otherwise, with the reason, the error rates and the breakers'
 * states in its details.
 * <p>
 * Degraded is a status of its own rather than {@code DOWN} on purpose: a gateway whose
 * backend fails should not be restarted or taken out of a load balancer by its own
 * health. Spring Boot leaves statuses it does not know out of the aggregate until they
 * are listed in {@code management.endpoint.health.status.order}; the status can also be
 * set to {@code DOWN} or {@code OUT_OF_SERVICE}.
 *
 * @author Inferlens
 */
public class InferlensHealthIndicator implements HealthIndicator {

    /**
     * The status of an application with a high error rate or an open circuit breaker.
     */
    public static final Status DEGRADED = new Status("DEGRADED",
            "Requests fail more often than the threshold, or a circuit breaker is open");

    private final @Nullable RequestStatistics statistics;

    private final @Nullable CircuitBreakerMetrics circuitBreakers;

    private final Duration window;

    private final double errorRateThreshold;

    private final long minimumRequests;

    private final Status degradedStatus;

    /**
     * Create an indicator.
     * @param statistics the request statistics, or {@code null} to check circuit breakers
     * only
     * @param circuitBreakers the circuit breakers, or {@code null} to check the error
     * rate only
     * @param window the window of requests whose error rate is checked, at most fifteen
     * minutes
     * @param errorRateThreshold the error rate above which the application is degraded,
     * between 0 and 1
     * @param minimumRequests the fewest requests in the window for the error rate to
     * count
     * @param degradedStatus the status to report when degraded
     */
    public InferlensHealthIndicator(@Nullable RequestStatistics statistics,
            @Nullable CircuitBreakerMetrics circuitBreakers, Duration window, double errorRateThreshold,
            long minimumRequests, Status degradedStatus) {
        this.statistics = statistics;
        this.circuitBreakers = circuitBreakers;
        this.window = Objects.requireNonNull(window, "'window' must not be null");
        this.errorRateThreshold = errorRateThreshold;
        this.minimumRequests = minimumRequests;
        this.degradedStatus = Objects.requireNonNull(degradedStatus, "'degradedStatus' must not be null");
    }

    @Override
    public Health health() {
        Health.Builder builder = Health.up();
        List<String> reasons = new ArrayList<>();
        RequestStatistics statistics = this.statistics;
        if (statistics != null) {
            WindowSummary requests = statistics.requests(this.window);
            builder.withDetail("window", this.window.toString())
                .withDetail("requests", requests.requests())
                .withDetail("errors", requests.errors())
                .withDetail("errorRate", requests.errorRate())
                .withDetail("errorRateThreshold", this.errorRateThreshold);
            if (requests.requests() >= this.minimumRequests && requests.errorRate() > this.errorRateThreshold) {
                reasons.add(String.format(Locale.ROOT, "error rate %.1f%% over the last %s is above %.1f%%",
                        requests.errorRate() * 100, describe(this.window), this.errorRateThreshold * 100));
            }
            failingModels(statistics, builder, reasons);
        }
        CircuitBreakerMetrics circuitBreakers = this.circuitBreakers;
        if (circuitBreakers != null) {
            Map<String, CircuitBreakerState> states = circuitBreakers.states();
            Map<String, String> details = new LinkedHashMap<>();
            circuitBreakers.states(MAX_CIRCUIT_BREAKERS)
                .forEach((name, state) -> details.put(name, state.getAttributeValue()));
            List<String> open = new ArrayList<>();
            states.forEach((name, state) -> {
                if (state == CircuitBreakerState.OPEN) {
                    open.add(name);
                }
            });
            for (int i = 0; i < Math.min(open.size(), MAX_OPEN_REASONS); i++) {
                reasons.add("circuit breaker '" + open.get(i) + "' is open");
            }
            if (open.size() > MAX_OPEN_REASONS) {
                reasons.add((open.size() - MAX_OPEN_REASONS) + " more circuit breakers are open");
            }
            if (!details.isEmpty()) {
                builder.withDetail("circuitBreakers", details);
            }
            if (states.size() > details.size()) {
                builder.withDetail("circuitBreakersNotListed", states.size() - details.size());
            }
        }
        if (!reasons.isEmpty()) {
            builder.status(this.degradedStatus).withDetail("reason", String.join("; ", reasons));
        }
        return builder.build();
    }

    /**
     * Models whose calls failed more often than the threshold in the window, from the
     * records of their calls, whoever made them: a model can fail while the requests as a
     * whole, served by other models too, stay under the threshold.
     */
    private void failingModels(RequestStatistics statistics, Health.Builder builder, List<String> reasons) {
        Map<String, Map<String, Object>> failing = new LinkedHashMap<>();
        for (ModelStatistics model : statistics.models(this.window)) {
            double errorRate = (model.requests() > 0) ? (double) model.errors() / model.requests() : 0;
            if (model.requests() < this.minimumRequests || errorRate <= this.errorRateThreshold) {
                continue;
            }
            if (failing.size() < MAX_FAILING_MODELS) {
                Map<String, Object> detail = new LinkedHashMap<>();
                detail.put("requests", model.requests());
                detail.put("errors", model.errors());
                detail.put("errorRate", errorRate);
                failing.put(model.model(), detail);
                reasons.add(String.format(Locale.ROOT, "model '%s' failed %.1f%% of its calls over the last %s",
                        model.model(), errorRate * 100, describe(this.window)));
            }
        }
        if (!failing.isEmpty()) {
            builder.withDetail("failingModels", failing);
        }
    }

    /**
     * Most failing models named in the reason and the details.
     */
    static final int MAX_FAILING_MODELS = 10;

    /**
     * Most circuit breakers listed in the details.
     */
    static final int MAX_CIRCUIT_BREAKERS = 100;

    /**
     * Most open circuit breakers named in the reason.
     */
    static final int MAX_OPEN_REASONS = 10;

    private static String describe(Duration window) {
        long seconds = window.toSeconds();
        return (seconds % 60 == 0) ? (seconds / 60) + " min" : seconds + " s";
    }

}
