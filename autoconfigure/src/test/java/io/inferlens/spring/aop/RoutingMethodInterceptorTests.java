package io.inferlens.spring.aop;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

import io.inferlens.annotation.TracedRouting;
import io.inferlens.routing.RoutingDecision;
import io.inferlens.routing.RoutingRecorder;
import io.micrometer.observation.tck.TestObservationRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.aop.framework.ProxyFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Tests for {@link RoutingMethodInterceptor} as {@link RoutingPointcutAdvisor} applies it
 * with Spring AOP, observed by a {@link TestObservationRegistry}, without an application
 * context.
 *
 * @author Inferlens
 */
class RoutingMethodInterceptorTests {

    private final TestObservationRegistry registry = TestObservationRegistry.create();

    private final RoutingRecorder recorder = new RoutingRecorder(this.registry);

    @Test
    void annotatedMethodIsARoutingRequestWhoseResultIsTheDecision() {
        Router router = proxy(new Router(this.recorder));
        Choice choice = router.route(3);
        assertThat(choice.target()).isEqualTo("powerful");
        assertThat(this.registry).hasObservationWithNameEqualTo("inferlens.routing.request")
            .that()
            .hasContextualNameEqualTo("routing_request")
            .doesNotHaveLowCardinalityKeyValueWithKey("error.type")
            .hasHighCardinalityKeyValue("inferlens.routing.target", "powerful")
            .hasHighCardinalityKeyValue("inferlens.routing.confidence", "0.83")
            .hasHighCardinalityKeyValue("inferlens.routing.uncertainty", "0.12")
            .hasHighCardinalityKeyValue("inferlens.routing.candidates", "3")
            .hasBeenStopped();
        assertThat(this.registry).hasObservationWithNameEqualTo("inferlens.routing.model_inference")
            .that()
            .hasParentObservationContextMatching((parent) -> "routing_request".equals(parent.getContextualName()));
    }

    @Test
    void unannotatedMethodIsNotObserved() {
        assertThat(proxy(new Router(this.recorder)).plain()).isEqualTo("plain");
        assertThat(this.registry).doesNotHaveAnyObservation();
    }

    @Test
    void annotationOnAnInterfaceMethodIsFound() {
        ProxyFactory factory = new ProxyFactory(new InterfaceRouter());
        factory.addInterface(RouterApi.class);
        factory.addAdvisor(new RoutingPointcutAdvisor(new RoutingMethodInterceptor(this.recorder)));
        RouterApi router = (RouterApi) factory.getProxy();
        router.route();
        assertThat(this.registry).hasObservationWithNameEqualTo("inferlens.routing.request")
            .that()
            .hasHighCardinalityKeyValue("inferlens.routing.target", "lightweight");
    }

    @Test
    void exceptionIsRecordedAsFailureAndRethrownUnchanged() {
        Router router = proxy(new Router(this.recorder));
        IOException failure = new IOException("no candidate reachable");
        assertThatThrownBy(() -> router.fail(failure)).isSameAs(failure);
        assertThat(this.registry).hasObservationWithNameEqualTo("inferlens.routing.request")
            .that()
            .hasError(failure)
            .hasLowCardinalityKeyValue("error.type", IOException.class.getName())
            .hasBeenStopped();
    }

    @Test
    void completionStageIsObservedUntilItCompletes() {
        Router router = proxy(new Router(this.recorder));
        CompletableFuture<Choice> pending = new CompletableFuture<>();
        CompletionStage<Choice> result = router.routeAsync(pending);
        assertThat(this.registry).hasObservationWithNameEqualTo("inferlens.routing.request").that().isNotStopped();
        pending.complete(new Choice("lightweight", 0.9, 0.05, 2));
        assertThat(result.toCompletableFuture().join().target()).isEqualTo("lightweight");
        assertThat(this.registry).hasObservationWithNameEqualTo("inferlens.routing.request")
            .that()
            .hasBeenStopped()
            .hasHighCardinalityKeyValue("inferlens.routing.target", "lightweight");
    }

    @Test
    void advisorObtainsItsInterceptorOnFirstUseOnly() {
        AtomicInteger created = new AtomicInteger();
        RoutingPointcutAdvisor advisor = new RoutingPointcutAdvisor(() -> {
            created.incrementAndGet();
            return new RoutingMethodInterceptor(this.recorder);
        });
        assertThat(created).hasValue(0);
        assertThat(advisor.getAdvice()).isSameAs(advisor.getAdvice());
        assertThat(created).hasValue(1);
    }

    private Router proxy(Router target) {
        ProxyFactory factory = new ProxyFactory(target);
        factory.setProxyTargetClass(true);
        factory.addAdvisor(new RoutingPointcutAdvisor(new RoutingMethodInterceptor(this.recorder)));
        return (Router) factory.getProxy();
    }

    public record Choice(String target, double confidence, double uncertainty,
            int candidateCount) implements RoutingDecision {

    }

    public static class Router {

        private final RoutingRecorder recorder;

        public Router(RoutingRecorder recorder) {
            this.recorder = recorder;
        }

        @TracedRouting
        public Choice route(int candidates) {
            for (int candidate = 0; candidate < candidates; candidate++) {
                this.recorder.modelInference("model-" + candidate, () -> 0.5);
            }
            return new Choice("powerful", 0.83, 0.12, candidates);
        }

        @TracedRouting
        public Choice fail(IOException failure) throws IOException {
            throw failure;
        }

        @TracedRouting
        public CompletionStage<Choice> routeAsync(CompletionStage<Choice> pending) {
            return pending;
        }

        public String plain() {
            return "plain";
        }

    }

    public interface RouterApi {

        @TracedRouting
        Choice route();

    }

    static class InterfaceRouter implements RouterApi {

        @Override
        public Choice route() {
            return new Choice("lightweight", 0.7, 0.2, 2);
        }

    }

}
