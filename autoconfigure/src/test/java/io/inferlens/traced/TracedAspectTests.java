package io.inferlens.traced;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

import io.inferlens.annotation.SpanKind;
import io.inferlens.annotation.Traced;
import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.tck.TestObservationRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.aop.aspectj.annotation.AspectJProxyFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Tests for {@link TracedAspect}, woven with {@link AspectJProxyFactory} and observed by
 * a {@link TestObservationRegistry}, without an application context.
 *
 * @author Inferlens
 */
class TracedAspectTests {

    private final TestObservationRegistry registry = TestObservationRegistry.create();

    @Test
    void annotatedMethodIsObservedUnderItsOperationName() {
        proxy(new Service(), new TracedAspect(this.registry)).work();
        assertThat(this.registry).hasObservationWithNameEqualTo("demo.work")
            .that()
            .hasContextualNameEqualTo("demo.work")
            .hasLowCardinalityKeyValue("outcome", "success")
            .hasLowCardinalityKeyValue("tier", "gold")
            .hasHighCardinalityKeyValue("code.function.name", Service.class.getName() + ".work")
            .hasBeenStarted()
            .hasBeenStopped();
    }

    @Test
    void operationNameIsDerivedFromClassAndMethodWhenNotGiven() {
        proxy(new Service(), new TracedAspect(this.registry)).callModelAPI();
        assertThat(this.registry).hasObservationWithNameEqualTo("service.call_model_api");
    }

    @Test
    void exceptionIsRecordedAndRethrownUnchanged() {
        Service service = proxy(new Service(), new TracedAspect(this.registry));
        IOException failure = new IOException("backend down");
        assertThatThrownBy(() -> service.fail(failure)).isSameAs(failure);
        assertThat(this.registry).hasObservationWithNameEqualTo("demo.fail")
            .that()
            .hasError(failure)
            .hasLowCardinalityKeyValue("outcome", "error")
            .hasBeenStopped();
    }

    @Test
    void completionStageIsObservedAtCompletionNotAtReturn() {
        Service service = proxy(new Service(), new TracedAspect(this.registry));
        CompletableFuture<String> pending = new CompletableFuture<>();
        CompletionStage<String> result = service.async(pending);
        assertThat(this.registry).hasObservationWithNameEqualTo("demo.async").that().isNotStopped();
        pending.complete("done");
        assertThat(result.toCompletableFuture().join()).isEqualTo("done");
        assertThat(this.registry).hasObservationWithNameEqualTo("demo.async")
            .that()
            .hasBeenStopped()
            .hasLowCardinalityKeyValue("outcome", "success");
    }

    @Test
    void completionStageFailureIsRecordedWithItsCause() {
        Service service = proxy(new Service(), new TracedAspect(this.registry));
        CompletableFuture<String> pending = new CompletableFuture<>();
        CompletionStage<String> result = service.async(pending);
        IllegalStateException failure = new IllegalStateException("timeout");
        pending.completeExceptionally(failure);
        assertThatExceptionOfType(CompletionException.class).isThrownBy(() -> result.toCompletableFuture().join())
            .withCause(failure);
        assertThat(this.registry).hasObservationWithNameEqualTo("demo.async")
            .that()
            .hasBeenStopped()
            .hasError(failure)
            .hasLowCardinalityKeyValue("outcome", "error");
    }

    @Test
    void typeLevelAnnotationObservesEveryPublicMethodAndMethodLevelWins() {
        TypeLevel typeLevel = proxy(new TypeLevel(), new TracedAspect(this.registry));
        typeLevel.first();
        typeLevel.second();
        assertThat(this.registry).hasObservationWithNameEqualTo("type_level.first")
            .that()
            .hasLowCardinalityKeyValue("component", "router");
        assertThat(this.registry).hasObservationWithNameEqualTo("renamed.second")
            .that()
            .doesNotHaveLowCardinalityKeyValueWithKey("component");
        assertThat(this.registry).hasNumberOfObservationsEqualTo(2);
    }

    @Test
    void unannotatedMethodIsNotObserved() {
        proxy(new Service(), new TracedAspect(this.registry)).plain();
        assertThat(this.registry).doesNotHaveAnyObservation();
    }

    @Test
    void methodMetadataIsResolvedOnceAndReused() {
        List<TracedMethod> seen = new CopyOnWriteArrayList<>();
        this.registry.observationConfig().observationHandler(new ObservationHandler<TracedObservationContext>() {
            @Override
            public void onStart(TracedObservationContext context) {
                seen.add(context.getMethod());
            }

            @Override
            public boolean supportsContext(Observation.Context context) {
                return context instanceof TracedObservationContext;
            }
        });
        Service service = proxy(new Service(), new TracedAspect(this.registry));
        service.work();
        service.work();
        assertThat(seen).hasSize(2);
        assertThat(seen.get(1)).isSameAs(seen.get(0));
        assertThat(seen.get(0).getKind()).isEqualTo(SpanKind.CLIENT);
    }

    @Test
    void failingHandlerNeverBreaksTheObservedCall() {
        this.registry.observationConfig().observationHandler(new ObservationHandler<>() {
            @Override
            public void onStart(Observation.Context context) {
                throw new IllegalStateException("broken handler");
            }

            @Override
            public void onStop(Observation.Context context) {
                throw new IllegalStateException("broken handler");
            }

            @Override
            public boolean supportsContext(Observation.Context context) {
                return true;
            }
        });
        assertThat(proxy(new Service(), new TracedAspect(this.registry)).work()).isEqualTo("worked");
    }

    @Test
    void skippedCallsAreNotObserved() {
        Service service = proxy(new Service(), new TracedAspect(this.registry, null, (pjp) -> true));
        assertThat(service.work()).isEqualTo("worked");
        assertThat(this.registry).doesNotHaveAnyObservation();
    }

    @Test
    void customConventionReplacesTheDefault() {
        TracedObservationConvention convention = new TracedObservationConvention() {
            @Override
            public KeyValues getLowCardinalityKeyValues(TracedObservationContext context) {
                return KeyValues.of(KeyValue.of("team", "search"));
            }
        };
        proxy(new Service(), new TracedAspect(this.registry, convention, (pjp) -> false)).work();
        assertThat(this.registry).hasObservationWithNameEqualTo("demo.work")
            .that()
            .hasLowCardinalityKeyValue("team", "search")
            .doesNotHaveLowCardinalityKeyValueWithKey("outcome");
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(T target, TracedAspect aspect) {
        AspectJProxyFactory factory = new AspectJProxyFactory(target);
        factory.setProxyTargetClass(true);
        factory.addAspect(aspect);
        return (T) factory.getProxy();
    }

    static class Service {

        @Traced(value = "demo.work", kind = SpanKind.CLIENT,
                attributes = @Traced.Attribute(key = "tier", value = "gold"))
        public String work() {
            return "worked";
        }

        @Traced
        public String callModelAPI() {
            return "called";
        }

        @Traced("demo.fail")
        public void fail(IOException failure) throws IOException {
            throw failure;
        }

        @Traced("demo.async")
        public CompletionStage<String> async(CompletableFuture<String> pending) {
            return pending;
        }

        public String plain() {
            return "plain";
        }

    }

    @Traced(attributes = @Traced.Attribute(key = "component", value = "router"))
    static class TypeLevel {

        public String first() {
            return "first";
        }

        @Traced("renamed.second")
        public String second() {
            return "second";
        }

    }

}
