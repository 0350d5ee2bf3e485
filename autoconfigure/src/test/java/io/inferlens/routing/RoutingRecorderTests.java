package io.inferlens.routing;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.inferlens.observation.ResultKind;
import io.micrometer.common.KeyValues;
import io.micrometer.context.ContextExecutorService;
import io.micrometer.context.ContextSnapshotFactory;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Tests for {@link RoutingRecorder}, observed by a {@link TestObservationRegistry},
 * without an application context.
 *
 * @author Inferlens
 */
@ExtendWith(OutputCaptureExtension.class)
@SuppressWarnings("unchecked")
class RoutingRecorderTests {

    private final TestObservationRegistry registry = TestObservationRegistry.create();

    private final RecordingHandler handler = new RecordingHandler();

    private final ExecutorService pool = Executors.newFixedThreadPool(3);

    RoutingRecorderTests() {
        this.registry.observationConfig().observationHandler(this.handler);
    }

    @AfterEach
    void shutDownPool() {
        this.pool.shutdownNow();
    }

    @Test
    void routingCallIsTheParentOfEveryStageWithTheSpanNamesOfTheIssue() {
        RoutingRecorder recorder = new RoutingRecorder(this.registry);
        String target = recorder.route(() -> {
            recorder.featureEngineering(25, () -> new double[] { 0.1 });
            recorder.modelInference("lightweight", () -> 0.4);
            recorder.modelInference("powerful", () -> 0.9);
            recorder.uncertaintyEstimation(() -> 0.1);
            return recorder.circuitBreakerCheck("powerful", () -> "powerful");
        });
        assertThat(target).isEqualTo("powerful");
        RoutingObservationContext request = this.handler.single(RoutingStage.REQUEST);
        assertThat(request.getName()).isEqualTo("inferlens.routing.request");
        assertThat(request.getContextualName()).isEqualTo("routing_request");
        assertThat(request.getParentObservation()).isNull();
        assertThat(this.handler.stopped).hasSize(6).allSatisfy((context) -> {
            assertThat(context.getContextualName()).isEqualTo(context.getStage().getName());
            assertThat(context.getName()).isEqualTo(context.getStage().getObservationName());
            if (context != request) {
                assertThat(context.getParentObservation().getContextView()).isSameAs(request);
            }
        });
        assertThat(this.handler.stopped).extracting(Observation.Context::getContextualName)
            .containsExactly("feature_engineering", "model_inference", "model_inference", "uncertainty_estimation",
                    "circuit_breaker_check", "routing_request");
        assertThat(this.registry).hasObservationWithNameEqualTo("inferlens.routing.request")
            .that()
            .doesNotHaveLowCardinalityKeyValueWithKey("error.type");
        assertThat(this.registry).hasObservationWithNameEqualTo("inferlens.routing.feature_engineering")
            .that()
            .hasLowCardinalityKeyValue("stage", "feature_engineering")
            .hasLowCardinalityKeyValue("batch_size_range", "11-50")
            .hasHighCardinalityKeyValue("inferlens.routing.batch_size", "25");
        assertThat(this.handler.stage(RoutingStage.MODEL_INFERENCE))
            .extracting((context) -> context.getLowCardinalityKeyValue("model_type").getValue())
            .containsExactly("lightweight", "powerful");
        assertThat(this.registry).hasObservationWithNameEqualTo("inferlens.routing.circuit_breaker_check")
            .that()
            .hasLowCardinalityKeyValue("stage", "circuit_breaker_check")
            .hasHighCardinalityKeyValue("inferlens.routing.circuit_breaker", "powerful");
    }

    @Test
    void candidatesScoredInParallelOnAPropagatingExecutorAreChildrenOfTheRoutingCall() throws Exception {
        RoutingRecorder recorder = new RoutingRecorder(this.registry);
        ExecutorService executor = ContextExecutorService.wrap(this.pool, ContextSnapshotFactory.builder().build());
        recorder.route(() -> {
            List<Future<Double>> scores = List.of("small", "medium", "large")
                .stream()
                .map((model) -> executor.submit(() -> recorder.modelInference(model, () -> {
                    Thread.sleep(20);
                    return 0.5;
                })))
                .toList();
            for (Future<Double> score : scores) {
                score.get();
            }
            executor.submit(() -> recorder.recordDecision(RoutingDecision.of("large", 0.7, 0.2, 3))).get();
            return null;
        });
        RoutingObservationContext request = this.handler.single(RoutingStage.REQUEST);
        List<RoutingObservationContext> inferences = this.handler.stage(RoutingStage.MODEL_INFERENCE);
        assertThat(inferences).hasSize(3)
            .allSatisfy((context) -> assertThat(context.getParentObservation().getContextView()).isSameAs(request));
        assertThat(inferences).extracting(this.handler.threads::get)
            .doesNotContain(this.handler.threads.get(request))
            .doesNotHaveDuplicates();
        assertThat(request.getDecision().target()).isEqualTo("large");
        assertThat(this.registry.getCurrentObservation()).isNull();
    }

    @Test
    void withoutContextPropagationAStageOnAnotherThreadHasNoParent() throws Exception {
        RoutingRecorder recorder = new RoutingRecorder(this.registry);
        recorder.route(() -> this.pool.submit(() -> recorder.modelInference("small", () -> 0.5)).get());
        assertThat(this.handler.single(RoutingStage.MODEL_INFERENCE).getParentObservation()).isNull();
    }

    @Test
    void decisionReturnedByTheRoutingCallIsOnTheRoutingRequest() {
        RoutingRecorder recorder = new RoutingRecorder(this.registry);
        RoutingDecision decision = recorder.route(() -> RoutingDecision.of("powerful", 0.83, 0.12, 3));
        assertThat(decision.target()).isEqualTo("powerful");
        assertThat(this.registry).hasObservationWithNameEqualTo("inferlens.routing.request")
            .that()
            .hasHighCardinalityKeyValue("inferlens.routing.target", "powerful")
            .hasHighCardinalityKeyValue("inferlens.routing.confidence", "0.83")
            .hasHighCardinalityKeyValue("inferlens.routing.uncertainty", "0.12")
            .hasHighCardinalityKeyValue("inferlens.routing.candidates", "3");
    }

    @Test
    void decisionRecordedInAStageGoesToTheEnclosingRoutingCallAndWinsOverTheResult() {
        RoutingRecorder recorder = new RoutingRecorder(this.registry);
        recorder.route(() -> {
            recorder.circuitBreakerCheck("powerful",
                    () -> recordAndReturn(recorder, RoutingDecision.of("lightweight", 0.6, 0.3, 2)));
            return RoutingDecision.of("powerful", 0.9, 0.1, 2);
        });
        assertThat(this.handler.single(RoutingStage.REQUEST).getDecision().target()).isEqualTo("lightweight");
        assertThat(this.handler.single(RoutingStage.CIRCUIT_BREAKER_CHECK).getDecision()).isNull();
    }

    @Test
    void decisionRecordedOutsideARoutingCallIsIgnored() {
        RoutingRecorder recorder = new RoutingRecorder(this.registry);
        recorder.uncertaintyEstimation(() -> recordAndReturn(recorder, RoutingDecision.of("powerful", 0.9, 0.1, 2)));
        recorder.recordDecision(RoutingDecision.of("powerful", 0.9, 0.1, 2));
        assertThat(this.handler.single(RoutingStage.UNCERTAINTY_ESTIMATION).getDecision()).isNull();
    }

    @Test
    void extractorsAreAskedInOrderForResultsThatAreNotDecisions() {
        RoutingRecorder recorder = new RoutingRecorder(this.registry, null,
                List.of(RoutingDecisionExtractor.forType(Integer.class, (number) -> null),
                        RoutingDecisionExtractor.forType(Route.class,
                                (route) -> RoutingDecision.of(route.model(), route.score(), 0.05, 4)),
                        (result) -> RoutingDecision.of("never", 0.5, 0.5, 1)));
        recorder.route(() -> new Route("powerful", 0.75));
        assertThat(this.handler.single(RoutingStage.REQUEST).getDecision())
            .isEqualTo(RoutingDecision.of("powerful", 0.75, 0.05, 4));
    }

    @Test
    void throwingExtractorIsLoggedOnceAndSkipped(CapturedOutput output) {
        RoutingRecorder recorder = new RoutingRecorder(this.registry, null, List.of((result) -> {
            throw new IllegalStateException("broken extractor");
        }, RoutingDecisionExtractor.forType(Route.class, (route) -> RoutingDecision.of(route.model(), 0.5, 0.5, 2))));
        Route first = recorder.route(() -> new Route("powerful", 0.75));
        Route second = recorder.route(() -> new Route("lightweight", 0.5));
        assertThat(first.model()).isEqualTo("powerful");
        assertThat(second.model()).isEqualTo("lightweight");
        assertThat(this.handler.stage(RoutingStage.REQUEST)).extracting((context) -> context.getDecision().target())
            .containsExactly("powerful", "lightweight");
        assertThat(output).containsOnlyOnce("broken extractor").contains("WARN");
    }

    @Test
    void confidenceOrUncertaintyOutsideZeroToOneIsLeftOutAndLoggedOnce(CapturedOutput output) {
        RoutingRecorder recorder = new RoutingRecorder(this.registry);
        recorder.route(() -> RoutingDecision.of("powerful", 1.5, Double.NaN, 3));
        recorder.route(() -> RoutingDecision.of("powerful", -0.1, 0.2, 3));
        List<RoutingObservationContext> requests = this.handler.stage(RoutingStage.REQUEST);
        assertThat(requests.get(0).getDecision()).satisfies((decision) -> {
            assertThat(decision.target()).isEqualTo("powerful");
            assertThat(decision.confidence()).isNaN();
            assertThat(decision.uncertainty()).isNaN();
            assertThat(decision.candidateCount()).isEqualTo(3);
        });
        assertThat(requests.get(0).getHighCardinalityKeyValues()).extracting(io.micrometer.common.KeyValue::getKey)
            .containsExactlyInAnyOrder("inferlens.routing.target", "inferlens.routing.candidates");
        assertThat(requests.get(1).getHighCardinalityKeyValue("inferlens.routing.uncertainty").getValue())
            .isEqualTo("0.2");
        assertThat(output).containsOnlyOnce("Invalid routing decision")
            .contains("confidence=1.5")
            .doesNotContain("confidence=-0.1");
    }

    @Test
    void decisionWithoutTargetIsRecordedAsUnknown() {
        RoutingRecorder recorder = new RoutingRecorder(this.registry);
        recorder.route(() -> RoutingDecision.of(" ", 0.5, 0.5, 2));
        assertThat(this.handler.single(RoutingStage.REQUEST).getDecision().target()).isEqualTo("unknown");
    }

    @Test
    void failingRoutingCallRethrowsItsCheckedExceptionUnchangedAndIsAFailure() {
        RoutingRecorder recorder = new RoutingRecorder(this.registry);
        IOException failure = new IOException("no candidate reachable");
        assertThatThrownBy(() -> recorder.route(() -> {
            recorder.modelInference("powerful", () -> {
                throw failure;
            });
            return "unreachable";
        })).isSameAs(failure);
        assertThat(this.registry).hasObservationWithNameEqualTo("inferlens.routing.request")
            .that()
            .hasError(failure)
            .hasLowCardinalityKeyValue("error.type", failure.getClass().getName())
            .hasBeenStopped();
        assertThat(this.registry).hasObservationWithNameEqualTo("inferlens.routing.model_inference")
            .that()
            .hasError(failure)
            .hasBeenStopped();
        assertThat(this.registry.getCurrentObservation()).isNull();
    }

    @Test
    void asyncRoutingCallIsObservedUntilItCompletesAndItsValueIsTheDecision() {
        RoutingRecorder recorder = new RoutingRecorder(this.registry);
        CompletableFuture<RoutingDecision> pending = new CompletableFuture<>();
        CompletableFuture<RoutingDecision> result = recorder.routeAsync(() -> pending);
        assertThat(result).isSameAs(pending);
        assertThat(this.registry).hasObservationWithNameEqualTo("inferlens.routing.request").that().isNotStopped();
        assertThat(this.registry.getCurrentObservation()).isNull();
        pending.complete(RoutingDecision.of("lightweight", 0.9, 0.05, 5));
        assertThat(this.registry).hasObservationWithNameEqualTo("inferlens.routing.request")
            .that()
            .hasBeenStopped()
            .hasHighCardinalityKeyValue("inferlens.routing.target", "lightweight");
    }

    @Test
    void asyncRoutingFailureIsRecordedWithItsCause() {
        RoutingRecorder recorder = new RoutingRecorder(this.registry);
        CompletableFuture<RoutingDecision> pending = new CompletableFuture<>();
        CompletableFuture<RoutingDecision> result = recorder.routeAsync(() -> pending);
        IllegalStateException failure = new IllegalStateException("timeout");
        pending.completeExceptionally(new CompletionException(failure));
        assertThatExceptionOfType(CompletionException.class).isThrownBy(result::join).withCause(failure);
        assertThat(this.registry).hasObservationWithNameEqualTo("inferlens.routing.request")
            .that()
            .hasBeenStopped()
            .hasError(failure)
            .hasLowCardinalityKeyValue("error.type", IllegalStateException.class.getName());
    }

    @Test
    void observationPredicateSeesTheStageNameAndDisabledStagesStillRun() {
        this.registry.observationConfig()
            .observationPredicate((name, context) -> !"inferlens.routing.model_inference".equals(name));
        RoutingRecorder recorder = new RoutingRecorder(this.registry);
        double score = recorder.route(() -> recorder.modelInference("powerful", () -> 0.9));
        assertThat(score).isEqualTo(0.9);
        assertThat(this.handler.stopped).extracting(Observation.Context::getContextualName)
            .containsExactly("routing_request");
    }

    @Test
    void stageOfOnesOwnIsAChildOfTheRoutingCallWithAStageKeyAndAnObservationName() {
        RoutingRecorder recorder = new RoutingRecorder(this.registry);
        String reranked = recorder.route(() -> recorder.stage("reranking", () -> "reranked"));
        assertThat(reranked).isEqualTo("reranked");
        RoutingObservationContext reranking = this.handler.single(RoutingStage.of("reranking"));
        assertThat(reranking.getName()).isEqualTo("inferlens.routing.reranking");
        assertThat(reranking.getContextualName()).isEqualTo("reranking");
        assertThat(reranking.getLowCardinalityKeyValue("stage").getValue()).isEqualTo("reranking");
        assertThat(reranking.getParentObservation().getContextView())
            .isSameAs(this.handler.single(RoutingStage.REQUEST));
        assertThat(RoutingStage.of("reranking")).isSameAs(reranking.getStage());
    }

    @Test
    void stageOfOnesOwnIsSwitchedOffByItsObservationName() {
        this.registry.observationConfig()
            .observationPredicate((name, context) -> !"inferlens.routing.reranking".equals(name));
        RoutingRecorder recorder = new RoutingRecorder(this.registry);
        assertThat(recorder.route(() -> recorder.stage("reranking", () -> 1))).isEqualTo(1);
        assertThat(this.handler.stopped).extracting(Observation.Context::getContextualName)
            .containsExactly("routing_request");
    }

    @Test
    void invalidStageNameRunsTheStageUnobservedAndIsLoggedOnce(CapturedOutput output) {
        RoutingRecorder recorder = new RoutingRecorder(this.registry);
        assertThat(recorder.stage("Re-Ranking!", () -> "ran")).isEqualTo("ran");
        assertThat(recorder.stage("Re-Ranking!", () -> "ran again")).isEqualTo("ran again");
        assertThat(this.handler.stopped).isEmpty();
        assertThat(output).containsOnlyOnce("Routing stage name 're-ranking!' is invalid");
    }

    @Test
    void builtInStageNamesResolveToTheBuiltInStages() {
        assertThat(RoutingStage.of("feature_engineering")).isSameAs(RoutingStage.FEATURE_ENGINEERING);
        // the routing call is not a stage, under either of its names
        assertThatIllegalArgumentException().isThrownBy(() -> RoutingStage.of("routing_request"))
            .withMessageContaining("reserved");
        assertThatIllegalArgumentException().isThrownBy(() -> RoutingStage.of("request"))
            .withMessageContaining("reserved");
        assertThat(RoutingStage.builtIn()).extracting(RoutingStage::getName)
            .containsExactly("routing_request", "feature_engineering", "model_inference", "uncertainty_estimation",
                    "circuit_breaker_check");
    }

    @Test
    void monoResultIsObservedUntilItCompletesAndItsValueIsTheDecision() throws Throwable {
        RoutingRecorder recorder = new RoutingRecorder(this.registry);
        Mono<RoutingDecision> result = (Mono<RoutingDecision>) recorder.route(ResultKind.MONO,
                () -> Mono.just(RoutingDecision.of("powerful", 0.8, 0.1, 2)).delayElement(Duration.ofMillis(10)));
        assertThat(this.handler.stopped).isEmpty();
        assertThat(result.block(Duration.ofSeconds(5)).target()).isEqualTo("powerful");
        assertThat(this.handler.single(RoutingStage.REQUEST).getDecision().target()).isEqualTo("powerful");
    }

    @Test
    void fluxResultTakesTheDecisionFromItsFirstElementThatHoldsOne() throws Throwable {
        RoutingRecorder recorder = new RoutingRecorder(this.registry);
        Flux<Object> result = (Flux<Object>) recorder.route(ResultKind.FLUX, () -> Flux.just("no decision",
                RoutingDecision.of("lightweight", 0.7, 0.2, 2), RoutingDecision.of("powerful", 0.9, 0.1, 2)));
        assertThat(result.collectList().block(Duration.ofSeconds(5))).hasSize(3);
        assertThat(this.handler.single(RoutingStage.REQUEST).getDecision().target()).isEqualTo("lightweight");
    }

    @Test
    void conventionWithoutNameKeepsTheStageNames() {
        RoutingObservationConvention convention = new RoutingObservationConvention() {
            @Override
            public KeyValues getLowCardinalityKeyValues(RoutingObservationContext context) {
                return KeyValues.of("team", "search");
            }
        };
        RoutingRecorder recorder = new RoutingRecorder(this.registry, convention, List.of());
        recorder.route(() -> recorder.uncertaintyEstimation(() -> 0.1));
        assertThat(this.registry).hasObservationWithNameEqualTo("inferlens.routing.request")
            .that()
            .hasContextualNameEqualTo("routing_request")
            .hasLowCardinalityKeyValue("team", "search");
        assertThat(this.registry).hasObservationWithNameEqualTo("inferlens.routing.uncertainty_estimation")
            .that()
            .hasContextualNameEqualTo("uncertainty_estimation");
    }

    @Test
    void noopRegistryOnlyMakesTheCall() {
        RoutingRecorder recorder = new RoutingRecorder(ObservationRegistry.NOOP);
        String target = recorder.route(() -> {
            recorder.recordDecision(RoutingDecision.of("powerful", 0.9, 0.1, 2));
            return recorder.modelInference("powerful", () -> "powerful");
        });
        assertThat(target).isEqualTo("powerful");
    }

    @Test
    void failingHandlerDoesNotBreakTheRoutingCall(CapturedOutput output) {
        this.registry.observationConfig().observationHandler(new ObservationHandler<>() {
            @Override
            public void onStart(Observation.Context context) {
                throw new IllegalStateException("handler bug");
            }

            @Override
            public boolean supportsContext(Observation.Context context) {
                return true;
            }
        });
        RoutingRecorder recorder = new RoutingRecorder(this.registry);
        assertThat(recorder.route(() -> "powerful")).isEqualTo("powerful");
        assertThat(recorder.route(() -> "lightweight")).isEqualTo("lightweight");
        assertThat(output).containsOnlyOnce("handler bug");
    }

    private static RoutingDecision recordAndReturn(RoutingRecorder recorder, RoutingDecision decision) {
        recorder.recordDecision(decision);
        return decision;
    }

    record Route(String model, double score) {

    }

    static class RecordingHandler implements ObservationHandler<RoutingObservationContext> {

        final List<RoutingObservationContext> stopped = new CopyOnWriteArrayList<>();

        final Map<RoutingObservationContext, String> threads = new ConcurrentHashMap<>();

        @Override
        public void onStart(RoutingObservationContext context) {
            this.threads.put(context, Thread.currentThread().getName());
        }

        @Override
        public void onStop(RoutingObservationContext context) {
            this.stopped.add(context);
        }

        @Override
        public boolean supportsContext(Observation.Context context) {
            return context instanceof RoutingObservationContext;
        }

        List<RoutingObservationContext> stage(RoutingStage stage) {
            return this.stopped.stream().filter((context) -> context.getStage() == stage).toList();
        }

        RoutingObservationContext single(RoutingStage stage) {
            List<RoutingObservationContext> contexts = stage(stage);
            assertThat(contexts).hasSize(1);
            return contexts.get(0);
        }

    }

}
