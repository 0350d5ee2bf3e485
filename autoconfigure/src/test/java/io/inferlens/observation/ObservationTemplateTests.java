package io.inferlens.observation;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link ObservationTemplate}: the one guarded flow of every Inferlens
 * observation, for each kind of result.
 *
 * @author Inferlens
 */
@SuppressWarnings("unchecked")
class ObservationTemplateTests {

    private final TestObservationRegistry registry = TestObservationRegistry.create();

    private final ObservationTemplate template = new ObservationTemplate(this.registry,
            new FailureLog(LogFactory.getLog(ObservationTemplateTests.class), "Failed to %s a test observation"));

    private final RecordingListener listener = new RecordingListener();

    @AfterEach
    void disableAutomaticContextPropagation() {
        Hooks.disableAutomaticContextPropagation();
    }

    @Test
    void plainCallIsObservedWithItsValueAndItsScopeOpenUntilItStops() throws Exception {
        Observation observation = start();
        String result = this.template.observe(observation, context(observation), ResultKind.PLAIN, () -> {
            assertThat(this.registry.getCurrentObservation()).isSameAs(observation);
            return "answer";
        }, this.listener);
        assertThat(result).isEqualTo("answer");
        assertThat(this.listener.events).containsExactly("value answer", "beforeStop current=true");
        assertThat(this.registry).hasSingleObservationThat().hasBeenStopped();
        assertThat(this.registry.getCurrentObservation()).isNull();
    }

    @Test
    void checkedExceptionIsRecordedAndRethrownUnchanged() {
        Observation observation = start();
        IOException failure = new IOException("down");
        assertThatExceptionOfType(IOException.class)
            .isThrownBy(() -> this.template.observe(observation, context(observation), ResultKind.PLAIN, () -> {
                throw failure;
            }, this.listener))
            .isSameAs(failure);
        assertThat(this.registry).hasSingleObservationThat().hasError(failure).hasBeenStopped();
        assertThat(this.listener.events).containsExactly("beforeStop current=true");
    }

    @Test
    void completionStageIsObservedUntilItCompletesAndReturnedAsItIs() throws Exception {
        Observation observation = start();
        CompletableFuture<String> pending = new CompletableFuture<>();
        CompletableFuture<String> result = this.template.observe(observation, context(observation),
                ResultKind.COMPLETION_STAGE, () -> pending, this.listener);
        assertThat(result).isSameAs(pending);
        assertThat(this.registry).hasSingleObservationThat().isNotStopped();
        assertThat(this.registry.getCurrentObservation()).isNull();
        pending.complete("later");
        assertThat(this.registry).hasSingleObservationThat().hasBeenStopped();
        assertThat(this.listener.events).containsExactly("value later", "beforeStop current=false");
    }

    @Test
    void completionStageFailureIsRecordedWithoutItsWrapper() throws Exception {
        Observation observation = start();
        CompletableFuture<String> pending = new CompletableFuture<>();
        this.template.observe(observation, context(observation), ResultKind.COMPLETION_STAGE, () -> pending,
                this.listener);
        IllegalStateException failure = new IllegalStateException("timeout");
        pending.completeExceptionally(new CompletionException(failure));
        assertThat(this.registry).hasSingleObservationThat().hasError(failure).hasBeenStopped();
    }

    @Test
    void monoIsObservedPerSubscriptionUntilItCompletes() throws Throwable {
        Mono<String> result = (Mono<String>) this.template.observeReactive(ResultKind.MONO, this::started,
                () -> Mono.just("value").delayElement(Duration.ofMillis(20)), this.listener);
        // assembled, not yet subscribed: nothing observed
        assertThat(this.registry).doesNotHaveAnyObservation();
        assertThat(result.block(Duration.ofSeconds(5))).isEqualTo("value");
        assertThat(this.registry).hasSingleObservationThat().hasBeenStopped();
        assertThat(this.listener.events).containsExactly("value value", "beforeStop current=false");
    }

    @Test
    void observationStopsBeforeTheSubscriberSeesTheEnd() throws Throwable {
        Flux<Integer> result = (Flux<Integer>) this.template.observeReactive(ResultKind.FLUX, this::started,
                () -> Flux.range(1, 2), this.listener);
        List<String> seenAtCompletion = new CopyOnWriteArrayList<>();
        result.doOnComplete(() -> seenAtCompletion.add(String.valueOf(this.listener.events)))
            .blockLast(Duration.ofSeconds(5));
        assertThat(seenAtCompletion).containsExactly("[element 1, element 2, beforeStop current=true]");
    }

    @Test
    void publisherThatIsNeverSubscribedRecordsNothing() throws Throwable {
        this.template.observeReactive(ResultKind.MONO, this::started, () -> Mono.just("unused"), this.listener);
        assertThat(this.registry).doesNotHaveAnyObservation();
        assertThat(this.listener.events).isEmpty();
    }

    @Test
    void everySubscriptionIsObservedOnItsOwnSoARetryIsObservedAgain() throws Throwable {
        AtomicInteger attempts = new AtomicInteger();
        Mono<String> result = (Mono<String>) this.template.observeReactive(ResultKind.MONO, this::started,
                () -> Mono.fromCallable(() -> {
                    if (attempts.incrementAndGet() == 1) {
                        throw new IllegalStateException("first attempt");
                    }
                    return "second attempt";
                }), this.listener);
        assertThat(result.retry(1).block(Duration.ofSeconds(5))).isEqualTo("second attempt");
        assertThat(this.registry).hasNumberOfObservationsEqualTo(2);
        assertThat(this.listener.events).containsExactly("beforeStop current=true", "value second attempt",
                "beforeStop current=true");
    }

    @Test
    void emptyMonoCompletesWithANullValue() throws Throwable {
        Mono<String> result = (Mono<String>) this.template.observeReactive(ResultKind.MONO, this::started, Mono::empty,
                this.listener);
        assertThat(result.block(Duration.ofSeconds(5))).isNull();
        assertThat(this.listener.events).containsExactly("value null", "beforeStop current=true");
    }

    @Test
    void monoErrorIsRecorded() throws Throwable {
        IllegalStateException failure = new IllegalStateException("backend down");
        Mono<String> result = (Mono<String>) this.template.observeReactive(ResultKind.MONO, this::started,
                () -> Mono.error(failure), this.listener);
        assertThatIllegalStateException().isThrownBy(() -> result.block(Duration.ofSeconds(5))).isSameAs(failure);
        assertThat(this.registry).hasSingleObservationThat().hasError(failure).hasBeenStopped();
        assertThat(this.listener.events).containsExactly("beforeStop current=true");
    }

    @Test
    void callThatThrowsBeforeReturningAPublisherIsOneFailedObservation() {
        IllegalStateException failure = new IllegalStateException("cannot assemble");
        assertThatIllegalStateException()
            .isThrownBy(() -> this.template.observeReactive(ResultKind.FLUX, this::started, () -> {
                throw failure;
            }, this.listener))
            .isSameAs(failure);
        assertThat(this.registry).hasSingleObservationThat().hasError(failure).hasBeenStopped();
    }

    @Test
    void fluxIsObservedElementByElementUntilItCompletes() throws Throwable {
        Flux<Integer> result = (Flux<Integer>) this.template.observeReactive(ResultKind.FLUX, this::started,
                () -> Flux.range(1, 3), this.listener);
        assertThat(result.collectList().block(Duration.ofSeconds(5))).containsExactly(1, 2, 3);
        assertThat(this.listener.events).containsExactly("element 1", "element 2", "element 3",
                "beforeStop current=true");
        assertThat(this.registry).hasSingleObservationThat().hasBeenStopped();
    }

    @Test
    void cancelledFluxIsStoppedOnceAsCancelled() throws Throwable {
        Flux<Long> result = (Flux<Long>) this.template.observeReactive(ResultKind.FLUX, this::started,
                () -> Flux.interval(Duration.ofMillis(5)), this.listener);
        assertThat(result.take(2).collectList().block(Duration.ofSeconds(5))).containsExactly(0L, 1L);
        assertThat(this.registry).hasSingleObservationThat().hasBeenStopped();
        assertThat(this.listener.events).containsExactly("element 0", "element 1", "cancel",
                "beforeStop current=false");
    }

    @Test
    void observationIsCurrentInOperatorsRunOnSubscriptionWithAutomaticContextPropagation() throws Throwable {
        Hooks.enableAutomaticContextPropagation();
        List<@Nullable Observation> seen = new CopyOnWriteArrayList<>();
        Mono<String> result = (Mono<String>) this.template.observeReactive(ResultKind.MONO, this::started,
                () -> Mono.fromCallable(() -> {
                    seen.add(this.registry.getCurrentObservation());
                    return "value";
                }).subscribeOn(Schedulers.boundedElastic()), this.listener);
        assertThat(this.registry.getCurrentObservation()).isNull();
        assertThat(result.block(Duration.ofSeconds(5))).isEqualTo("value");
        assertThat(seen).singleElement().isNotNull();
        assertThat(seen.get(0).getContextView().getName()).isEqualTo("test.call");
    }

    @Test
    void monoAndFluxSubtypesAreReturnedAsTheyAre() {
        assertThat(ResultKind.of(Mono.class)).isEqualTo(ResultKind.MONO);
        assertThat(ResultKind.of(Flux.class)).isEqualTo(ResultKind.FLUX);
        // observed, they would no longer be of the declared type, and the proxy's cast
        // would fail
        assertThat(ResultKind.of(reactor.core.publisher.ConnectableFlux.class)).isEqualTo(ResultKind.PLAIN);
        assertThat(ResultKind.of(reactor.core.publisher.MonoProcessor.class)).isEqualTo(ResultKind.PLAIN);
        assertThat(ResultKind.of(CompletableFuture.class)).isEqualTo(ResultKind.COMPLETION_STAGE);
    }

    @Test
    void failingListenerNeverBreaksTheCall() throws Exception {
        Observation observation = start();
        ResultListener<Observation.Context> failing = new ResultListener<>() {

            @Override
            public void onValue(Observation.Context context, @Nullable Object value) {
                throw new IllegalStateException("listener down");
            }

            @Override
            public void beforeStop(Observation observation, Observation.Context context) {
                throw new IllegalStateException("listener down");
            }

        };
        assertThat(this.template.observe(observation, context(observation), ResultKind.PLAIN, () -> "answer", failing))
            .isEqualTo("answer");
        assertThat(this.registry).hasSingleObservationThat().hasBeenStopped();
    }

    @Test
    void withoutAnObservationTheCallIsMadeUnobserved() throws Exception {
        assertThat(
                this.template.observe(null, new Observation.Context(), ResultKind.FLUX, () -> "as is", this.listener))
            .isEqualTo("as is");
        assertThat(this.listener.events).isEmpty();
        assertThat(new ObservationTemplate(ObservationRegistry.NOOP,
                new FailureLog(LogFactory.getLog(ObservationTemplateTests.class), "%s"))
            .isNoop()).isTrue();
    }

    @Test
    void resultOfAnotherKindThanDeclaredCompletesAtOnce() throws Exception {
        Observation observation = start();
        Object result = this.template.observe(observation, context(observation), ResultKind.COMPLETION_STAGE,
                () -> "not a stage", this.listener);
        assertThat(result).isEqualTo("not a stage");
        assertThat(this.registry).hasSingleObservationThat().hasBeenStopped();
        assertThat(this.listener.events).containsExactly("value not a stage", "beforeStop current=false");
    }

    private Observation start() {
        return Observation.start("test.call", this.registry);
    }

    private ObservationTemplate.Started<Observation.Context> started() {
        Observation observation = start();
        return new ObservationTemplate.Started<>(observation, context(observation));
    }

    private static Observation.Context context(Observation observation) {
        return (Observation.Context) observation.getContext();
    }

    private final class RecordingListener implements ResultListener<Observation.Context> {

        private final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void onValue(Observation.Context context, @Nullable Object value) {
            this.events.add("value " + value);
        }

        @Override
        public void onElement(Observation.Context context, Object element) {
            this.events.add("element " + element);
        }

        @Override
        public void onCancel(Observation.Context context) {
            this.events.add("cancel");
        }

        @Override
        public void beforeStop(Observation observation, Observation.Context context) {
            this.events.add("beforeStop current="
                    + (ObservationTemplateTests.this.registry.getCurrentObservation() == observation));
        }

    }

}
