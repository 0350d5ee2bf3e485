package io.inferlens.sample.gateway;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.inferlens.annotation.TracedRouting;
import io.inferlens.routing.RoutingRecorder;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

/**
 * Picks the model for a chat request. Each stage is observed by Inferlens, making the
 * span tree {@code routing_request} → {@code feature_engineering},
 * {@code model_inference} (one per candidate, scored in parallel on an executor that
 * propagates the trace context), {@code policy_selection} (a stage of the gateway's own),
 * {@code uncertainty_estimation}, {@code circuit_breaker_check}; the returned
 * {@link RoutingDecision} feeds the {@code inferlens_routing_*} metrics.
 * <p>
 * Two policies, compared by the {@code routing-policy} experiment: {@code threshold}
 * picks the powerful model when the complexity reaches a threshold; {@code scored} asks a
 * small quality model how likely each candidate is to answer well and picks the best
 * value for its price. A candidate whose circuit breaker is open is passed over.
 *
 * @author Inferlens
 */
@Component
public class ModelRouter {

    /**
     * Price penalty of the powerful model in the {@code scored} policy, in units of
     * success probability.
     */
    private static final double POWERFUL_PENALTY = 0.15;

    private final RoutingRecorder recorder;

    private final ExecutorService scoringExecutor;

    private final CircuitBreakerRegistry circuitBreakers;

    private final GatewayProperties properties;

    public ModelRouter(ObjectProvider<RoutingRecorder> recorder,
            @Qualifier("scoringExecutor") ExecutorService scoringExecutor, CircuitBreakerRegistry circuitBreakers,
            GatewayProperties properties) {
        // Without Inferlens (inferlens.enabled=false) the stages run unobserved.
        this.recorder = recorder.getIfAvailable(() -> new RoutingRecorder(ObservationRegistry.NOOP));
        this.scoringExecutor = scoringExecutor;
        this.circuitBreakers = circuitBreakers;
        this.properties = properties;
    }

    /**
     * Decide which model answers the request.
     * @param request the request
     * @param policy the routing policy: {@code threshold} or {@code scored}
     * @return the decision
     */
    @TracedRouting
    public RoutingDecision decide(ChatCompletionRequest request, String policy) {
        Features features = this.recorder.featureEngineering(request.messages().size(),
                () -> Features.of(request.messages()));
        List<Candidate> candidates = score(features);
        // A stage of the gateway's own: one line, a span and a series of its own
        Candidate chosen = this.recorder.stage("policy_selection",
                () -> "scored".equals(policy) ? bestValue(candidates) : byThreshold(candidates, features));
        Candidate other = (chosen == candidates.get(0)) ? candidates.get(1) : candidates.get(0);
        double uncertainty = this.recorder.uncertaintyEstimation(() -> entropy(chosen.quality()));
        double confidence = "scored".equals(policy)
                ? 0.5 + 0.5 * Math.min(1.0, Math.abs(chosen.value() - other.value()))
                : thresholdConfidence(features.complexity());
        Candidate target = (!available(chosen) && available(other)) ? other : chosen;
        return new RoutingDecision(target.model(), target.tier(), policy, features.complexity(),
                (target == chosen) ? confidence : 0.5, uncertainty, candidates.size());
    }

    private List<Candidate> score(Features features) {
        GatewayProperties.Models models = this.properties.getModels();
        List<CompletableFuture<Candidate>> scoring = new ArrayList<>();
        scoring.add(scoreAsync("lightweight", models.getLightweight(), features));
        scoring.add(scoreAsync("powerful", models.getPowerful(), features));
        return scoring.stream().map(CompletableFuture::join).toList();
    }

    private CompletableFuture<Candidate> scoreAsync(String tier, String model, Features features) {
        return CompletableFuture.supplyAsync(
                () -> this.recorder.modelInference("quality-scorer", () -> QualityModel.score(tier, model, features)),
                this.scoringExecutor);
    }

    private Candidate byThreshold(List<Candidate> candidates, Features features) {
        return (features.complexity() >= this.properties.getRouter().getThreshold()) ? candidates.get(1)
                : candidates.get(0);
    }

    private static Candidate bestValue(List<Candidate> candidates) {
        return (candidates.get(1).value() > candidates.get(0).value()) ? candidates.get(1) : candidates.get(0);
    }

    private double thresholdConfidence(double complexity) {
        double threshold = this.properties.getRouter().getThreshold();
        double margin = Math.abs(complexity - threshold) / Math.max(threshold, 1.0 - threshold);
        return 0.5 + 0.5 * Math.min(1.0, margin);
    }

    private boolean available(Candidate candidate) {
        return this.recorder.circuitBreakerCheck(candidate.model(), () -> {
            CircuitBreaker.State state = this.circuitBreakers.circuitBreaker(candidate.model()).getState();
            return state != CircuitBreaker.State.OPEN && state != CircuitBreaker.State.FORCED_OPEN;
        });
    }

    /**
     * Binary entropy of a success probability, in bits: 0 when sure, 1 at even odds.
     */
    static double entropy(double p) {
        if (p <= 0.0 || p >= 1.0) {
            return 0.0;
        }
        return -(p * Math.log(p) + (1 - p) * Math.log(1 - p)) / Math.log(2);
    }

    record Candidate(String tier, String model, double quality, double value) {

    }

    /**
     * A tiny logistic model of the probability that a candidate answers a request well.
     */
    static final class QualityModel {

        private QualityModel() {
        }

        static Candidate score(String tier, String model, Features features) {
            boolean powerful = "powerful".equals(tier);
            double z = powerful ? 1.2 + 1.5 * features.complexity() : 2.5 - 5.0 * features.complexity();
            z += features.cue() ? (powerful ? 0.5 : -0.8) : 0.0;
            double quality = 1.0 / (1.0 + Math.exp(-z));
            return new Candidate(tier, model, quality, quality - (powerful ? POWERFUL_PENALTY : 0.0));
        }

    }

}
