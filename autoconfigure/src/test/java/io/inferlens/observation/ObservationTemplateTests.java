package io.inferlens.observation;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;

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
    void monoIsObservedUntilItCompletesAndStoppedBeforeItsSubscriberSeesTheEnd() throws Exception {
        Observation observation = start();
        Mono<String> result = this.template.observe(observation, context(observation), ResultKind.MONO,
                () -> Mono.just("value").delayElement(Duration.ofMillis(20)), this.listener);
        assertThat(this.registry).hasSingleObservationThat().isNotStopped();
        assertThat(result.block(Duration.ofSeconds(5))).isEqualTo("value");
        // block() returns on completion: the observation is stopped by then
        assertThat(this.registry).hasSingleObservationThat().hasBeenStopped();
        assertThat(this.listener.events).containsExactly("value value", "beforeStop current=false");
    }

    @Test
    void emptyMonoCompletesWithANullValue() throws Exception {
        Observation observation = start();
        Mono<String> result = this.template.observe(observation, context(observation), ResultKind.MONO, Mono::empty,
                this.listener);
        assertThat(result.block(Duration.ofSeconds(5))).isNull();
        assertThat(this.listener.events).containsExactly("value null", "beforeStop current=false");
    }

    @Test
    void monoErrorIsRecorded() throws Exception {
        Observation observation = start();
        IllegalStateException failure = new IllegalStateException("backend down");
        Mono<String> result = this.template.observe(observation, context(observation), ResultKind.MONO,
                () -> Mono.error(failure), this.listener);
        assertThatIllegalStateException().isThrownBy(() -> result.block(Duration.ofSeconds(5))).isSameAs(failure);
        assertThat(this.registry).hasSingleObservationThat().hasError(failure).hasBeenStopped();
        assertThat(this.listener.events).containsExactly("beforeStop current=false");
    }

    @Test
    void fluxIsObservedElementByElementUntilItCompletes() throws Exception {
        Observation observation = start();
        Flux<Integer> result = this.template.observe(observation, context(observation), ResultKind.FLUX,
                () -> Flux.range(1, 3), this.listener);
        assertThat(result.collectList().block(Duration.ofSeconds(5))).containsExactly(1, 2, 3);
        assertThat(this.listener.events).containsExactly("element 1", "element 2", "element 3",
                "beforeStop current=false");
        assertThat(this.registry).hasSingleObservationThat().hasBeenStopped();
    }

    @Test
    void cancelledFluxIsStoppedOnceAsCancelled() throws Exception {
        Observation observation = start();
        Flux<Long> result = this.template.observe(observation, context(observation), ResultKind.FLUX,
                () -> Flux.interval(Duration.ofMillis(5)), this.listener);
        assertThat(result.take(2).collectList().block(Duration.ofSeconds(5))).containsExactly(0L, 1L);
        assertThat(this.registry).hasSingleObservationThat().hasBeenStopped();
        assertThat(this.listener.events).containsExactly("element 0", "element 1", "cancel",
                "beforeStop current=false");
        // A second subscription to the same publisher does not stop it again.
        result.take(1).blockFirst(Duration.ofSeconds(5));
        assertThat(this.listener.events).filteredOn((event) -> event.startsWith("beforeStop")).hasSize(1);
    }

    @Test
    void observationIsCurrentInOperatorsRunOnSubscriptionWithAutomaticContextPropagation() throws Exception {
        Hooks.enableAutomaticContextPropagation();
        Observation observation = start();
        List<@Nullable Observation> seen = new CopyOnWriteArrayList<>();
        Mono<String> result = this.template.observe(observation, context(observation), ResultKind.MONO,
                () -> Mono.fromCallable(() -> {
                    seen.add(this.registry.getCurrentObservation());
                    return "value";
                }).subscribeOn(Schedulers.boundedElastic()), this.listener);
        // subscribed later, on another thread, outside the call's scope
        assertThat(this.registry.getCurrentObservation()).isNull();
        assertThat(result.block(Duration.ofSeconds(5))).isEqualTo("value");
        assertThat(seen).containsExactly(observation);
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
        Object result = this.template.observe(observation, context(observation), ResultKind.MONO, () -> "not a mono",
                this.listener);
        assertThat(result).isEqualTo("not a mono");
        assertThat(this.registry).hasSingleObservationThat().hasBeenStopped();
        assertThat(this.listener.events).containsExactly("value not a mono", "beforeStop current=false");
    }

    private Observation start() {
        return Observation.start("test.call", this.registry);
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
