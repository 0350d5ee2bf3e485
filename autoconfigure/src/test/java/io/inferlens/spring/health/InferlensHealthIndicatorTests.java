package io.inferlens.spring.health;

import java.time.Duration;
import java.util.Map;

import io.inferlens.circuitbreaker.CircuitBreakerMetrics;
import io.inferlens.circuitbreaker.CircuitBreakerState;
import io.inferlens.inference.InferenceRecord;
import io.inferlens.inference.TokenUsage;
import io.inferlens.stats.RequestStatistics;
import io.micrometer.common.KeyValues;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link InferlensHealthIndicator} with real statistics and circuit breaker
 * states.
 *
 * @author Inferlens
 */
class InferlensHealthIndicatorTests {

    private final RequestStatistics statistics = new RequestStatistics(10, 10);

    private final CircuitBreakerMetrics circuitBreakers = new CircuitBreakerMetrics(new SimpleMeterRegistry());

    @Test
    void isUpWithTheErrorRateAndBreakerStatesInItsDetails() {
        record(40, 4);
        this.circuitBreakers.bind("backend", () -> CircuitBreakerState.HALF_OPEN);
        Health health = indicator(0.25, 20, Status.DOWN).health();
        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsEntry("window", "PT5M")
            .containsEntry("requests", 40L)
            .containsEntry("errors", 4L)
            .containsEntry("errorRate", 0.1)
            .containsEntry("errorRateThreshold", 0.25)
            .containsEntry("circuitBreakers", Map.of("backend", "half_open"))
            .doesNotContainKey("reason");
    }

    @Test
    void isDegradedWhenTheErrorRateIsAboveTheThreshold() {
        record(40, 12);
        Health health = indicator(0.25, 20, InferlensHealthIndicator.DEGRADED).health();
        assertThat(health.getStatus()).isEqualTo(InferlensHealthIndicator.DEGRADED);
        assertThat(health.getDetails()).containsEntry("reason", "error rate 30.0% over the last 5 min is above 25.0%");
    }

    @Test
    void isDegradedWhenOneModelFailsMoreOftenThanTheThresholdWhileTheRequestsAsAWholeDoNot() {
        record(100, 10);
        for (int i = 0; i < 30; i++) {
            this.statistics.onInference(inference("sim-large", i < 12));
            this.statistics.onInference(inference("sim-small", false));
        }
        Health health = indicator(0.25, 20, InferlensHealthIndicator.DEGRADED).health();
        assertThat(health.getStatus()).isEqualTo(InferlensHealthIndicator.DEGRADED);
        assertThat(health.getDetails()).containsEntry("errorRate", 0.1)
            .containsEntry("reason", "model 'sim-large' failed 40.0% of its calls over the last 5 min")
            .containsEntry("failingModels",
                    Map.of("sim-large", Map.of("requests", 30L, "errors", 12L, "errorRate", 0.4)));
    }

    @Test
    void modelWithTooFewCallsDoesNotDegrade() {
        for (int i = 0; i < 19; i++) {
            this.statistics.onInference(inference("sim-large", true));
        }
        Health health = indicator(0.25, 20, Status.DOWN).health();
        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).doesNotContainKey("failingModels");
    }

    private static InferenceRecord inference(String model, boolean failed) {
        return new InferenceRecord(System.currentTimeMillis(), 5_000_000, "chat", "openai", model, TokenUsage.of(10, 5),
                Double.NaN, -1, false, false, null, failed ? IllegalStateException.class.getName() : null,
                InferenceRecord.Source.ANNOTATION, KeyValues.empty(), null, null, false);
    }

    @Test
    void errorRateAtTheThresholdIsUp() {
        record(40, 10);
        assertThat(indicator(0.25, 20, Status.DOWN).health().getStatus()).isEqualTo(Status.UP);
    }

    @Test
    void errorRateOfTooFewRequestsDoesNotDegrade() {
        record(19, 19);
        assertThat(indicator(0.25, 20, Status.DOWN).health().getStatus()).isEqualTo(Status.UP);
        record(1, 1);
        assertThat(indicator(0.25, 20, Status.DOWN).health().getStatus()).isEqualTo(Status.DOWN);
    }

    @Test
    void isDegradedWithTheConfiguredStatusWhenACircuitBreakerIsOpen() {
        this.circuitBreakers.bind("sim-large", () -> CircuitBreakerState.OPEN);
        this.circuitBreakers.bind("sim-small", () -> CircuitBreakerState.CLOSED);
        Health health = indicator(0.25, 20, Status.OUT_OF_SERVICE).health();
        assertThat(health.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
        assertThat(health.getDetails()).containsEntry("reason", "circuit breaker 'sim-large' is open")
            .containsEntry("circuitBreakers", Map.of("sim-large", "open", "sim-small", "closed"));
    }

    @Test
    void listsAtMostOneHundredCircuitBreakersThoseNotClosedFirst() {
        for (int i = 0; i < 10_000; i++) {
            CircuitBreakerState state = (i % 1_000 == 999) ? CircuitBreakerState.OPEN : CircuitBreakerState.CLOSED;
            this.circuitBreakers.bind(String.format("model-%05d", i), () -> state);
        }
        Health health = indicator(0.25, 20, Status.DOWN).health();
        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        @SuppressWarnings("unchecked")
        Map<String, String> listed = (Map<String, String>) health.getDetails().get("circuitBreakers");
        assertThat(listed).hasSize(100).containsEntry("model-00999", "open").containsEntry("model-09999", "open");
        assertThat(health.getDetails()).containsEntry("circuitBreakersNotListed", 9_900);
        assertThat((String) health.getDetails().get("reason")).contains("circuit breaker 'model-09999' is open")
            .doesNotContain("more circuit breakers");
    }

    @Test
    void keysUsedAsBreakerNamesStayDistinctAndMasked() {
        this.circuitBreakers.bind("sk-live-0123456789abcdefghij", () -> CircuitBreakerState.OPEN);
        this.circuitBreakers.bind("sk-live-9876543210zyxwvutsrq", () -> CircuitBreakerState.CLOSED);
        Health health = indicator(0.25, 20, Status.DOWN).health();
        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.toString()).doesNotContain("0123456789").doesNotContain("9876543210");
        @SuppressWarnings("unchecked")
        Map<String, String> listed = (Map<String, String>) health.getDetails().get("circuitBreakers");
        assertThat(listed).hasSize(2).containsValues("open", "closed");
        assertThat(listed.keySet()).allSatisfy((name) -> assertThat(name).startsWith("****#"));
    }

    @Test
    void givesEveryReason() {
        record(20, 20);
        this.circuitBreakers.bind("a", () -> CircuitBreakerState.OPEN);
        this.circuitBreakers.bind("b", () -> CircuitBreakerState.OPEN);
        assertThat(indicator(0.5, 20, Status.DOWN).health().getDetails()).containsEntry("reason",
                "error rate 100.0% over the last 5 min is above 50.0%; circuit breaker 'a' is open;"
                        + " circuit breaker 'b' is open");
    }

    @Test
    void aBreakerWhoseStateCannotBeReadIsLeftOut() {
        this.circuitBreakers.bind("broken", () -> {
            throw new IllegalStateException("gone");
        });
        Health health = indicator(0.25, 20, Status.DOWN).health();
        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).doesNotContainKey("circuitBreakers");
    }

    @Test
    void withoutStatisticsOnlyBreakersAreChecked() {
        this.circuitBreakers.bind("backend", () -> CircuitBreakerState.OPEN);
        Health health = new InferlensHealthIndicator(null, this.circuitBreakers, Duration.ofMinutes(5), 0.25, 20,
                InferlensHealthIndicator.DEGRADED)
            .health();
        assertThat(health.getStatus()).isEqualTo(InferlensHealthIndicator.DEGRADED);
        assertThat(health.getDetails()).doesNotContainKey("errorRate");
    }

    private InferlensHealthIndicator indicator(double threshold, long minimumRequests, Status status) {
        return new InferlensHealthIndicator(this.statistics, this.circuitBreakers, Duration.ofMinutes(5), threshold,
                minimumRequests, status);
    }

    private void record(int requests, int errors) {
        for (int i = 0; i < requests; i++) {
            this.statistics.recordHttpRequest("http GET /chat", 1_000_000, i < errors);
        }
    }

}
