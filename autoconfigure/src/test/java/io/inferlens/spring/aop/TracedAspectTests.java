package io.inferlens.spring.aop;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.inferlens.annotation.Traced;
import io.inferlens.traced.TracedObserver;
import io.micrometer.observation.tck.TestObservationRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.aop.aspectj.annotation.AspectJProxyFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Tests for {@link TracedAspect}, the AspectJ way to weave {@code @Traced} methods, woven
 * with {@link AspectJProxyFactory}.
 *
 * @author Inferlens
 */
class TracedAspectTests {

    private final TestObservationRegistry registry = TestObservationRegistry.create();

    @Test
    void annotatedMethodIsObservedAndFailureRethrownUnchanged() {
        Service service = proxy(new Service(), new TracedAspect(this.registry));
        assertThat(service.work()).isEqualTo("worked");
        IOException failure = new IOException("down");
        assertThatThrownBy(() -> service.fail(failure)).isSameAs(failure);
        assertThat(this.registry).hasObservationWithNameEqualTo("demo.work")
            .that()
            .doesNotHaveLowCardinalityKeyValueWithKey("error.type");
        assertThat(this.registry).hasObservationWithNameEqualTo("demo.fail")
            .that()
            .hasError(failure)
            .hasLowCardinalityKeyValue("error.type", IOException.class.getName());
    }

    @Test
    void completionStageIsObservedUntilItCompletes() {
        Service service = proxy(new Service(), new TracedAspect(this.registry));
        CompletableFuture<String> pending = new CompletableFuture<>();
        assertThat(service.async(pending)).isSameAs(pending);
        assertThat(this.registry).hasObservationWithNameEqualTo("demo.async").that().isNotStopped();
        pending.complete("done");
        assertThat(this.registry).hasObservationWithNameEqualTo("demo.async").that().hasBeenStopped();
    }

    @Test
    void typeLevelAnnotationObservesPublicMethods() {
        proxy(new TypeLevel(), new TracedAspect(this.registry)).first();
        assertThat(this.registry).hasObservationWithNameEqualTo("type_level.first");
    }

    @Test
    void skippedCallsAreNotObserved() {
        Service service = proxy(new Service(),
                new TracedAspect(new TracedObserver(this.registry, null), (pjp) -> true));
        assertThat(service.work()).isEqualTo("worked");
        assertThat(this.registry).doesNotHaveAnyObservation();
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(T target, TracedAspect aspect) {
        AspectJProxyFactory factory = new AspectJProxyFactory(target);
        factory.setProxyTargetClass(true);
        factory.addAspect(aspect);
        return (T) factory.getProxy();
    }

    static class Service {

        @Traced("demo.work")
        public String work() {
            return "worked";
        }

        @Traced("demo.fail")
        public void fail(IOException failure) throws IOException {
            throw failure;
        }

        @Traced("demo.async")
        public CompletionStage<String> async(CompletableFuture<String> pending) {
            return pending;
        }

    }

    @Traced
    static class TypeLevel {

        public String first() {
            return "first";
        }

    }

}
