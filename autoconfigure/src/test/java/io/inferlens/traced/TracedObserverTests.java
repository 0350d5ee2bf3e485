package io.inferlens.traced;

import java.io.IOException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.inferlens.annotation.SpanKind;
import io.inferlens.annotation.Traced;
import io.inferlens.spring.aop.TracedMethodInterceptor;
import io.inferlens.spring.aop.TracedPointcutAdvisor;
import io.inferlens.traced.TracedObservationContext;
import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import io.micrometer.observation.tck.TestObservationRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.aop.MethodMatcher;
import org.springframework.aop.framework.ProxyFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Tests for {@link TracedObserver} as Spring AOP applies it through
 * {@link TracedPointcutAdvisor} and {@link TracedMethodInterceptor}, observed by a
 * {@link TestObservationRegistry}, without an application context.
 *
 * @author Inferlens
 */
class TracedObserverTests {

    private final TestObservationRegistry registry = TestObservationRegistry.create();

    @Test
    void annotatedMethodIsObservedUnderItsOperationName() {
        proxy(new Service(), interceptor()).work();
        assertThat(this.registry).hasObservationWithNameEqualTo("demo.work")
            .that()
            .hasContextualNameEqualTo("demo.work")
            .doesNotHaveLowCardinalityKeyValueWithKey("error.type")
            .hasLowCardinalityKeyValue("tier", "gold")
            .hasBeenStarted()
            .hasBeenStopped();
    }

    @Test
    void operationNameIsDerivedFromClassAndMethodWhenNotGiven() {
        proxy(new Service(), interceptor()).callModelAPI();
        assertThat(this.registry).hasObservationWithNameEqualTo("service.call_model_api");
    }

    @Test
    void exceptionIsRecordedAndRethrownUnchanged() {
        Service service = proxy(new Service(), interceptor());
        IOException failure = new IOException("backend down");
        assertThatThrownBy(() -> service.fail(failure)).isSameAs(failure);
        assertThat(this.registry).hasObservationWithNameEqualTo("demo.fail")
            .that()
            .hasError(failure)
            .hasLowCardinalityKeyValue("error.type", "java.io.IOException")
            .hasBeenStopped();
    }

    @Test
    void completionStageIsObservedAtCompletionNotAtReturn() {
        Service service = proxy(new Service(), interceptor());
        CompletableFuture<String> pending = new CompletableFuture<>();
        CompletionStage<String> result = service.async(pending);
        assertThat(this.registry).hasObservationWithNameEqualTo("demo.async").that().isNotStopped();
        pending.complete("done");
        assertThat(result.toCompletableFuture().join()).isEqualTo("done");
        assertThat(this.registry).hasObservationWithNameEqualTo("demo.async")
            .that()
            .hasBeenStopped()
            .doesNotHaveLowCardinalityKeyValueWithKey("error.type");
    }

    @Test
    void completionStageFailureIsRecordedWithItsCause() {
        Service service = proxy(new Service(), interceptor());
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
            .hasLowCardinalityKeyValue("error.type", "java.lang.IllegalStateException");
    }

    @Test
    void monoIsObservedWhenSubscribedUntilItCompletesNotUntilItIsReturned() {
        Mono<String> result = proxy(new Service(), interceptor()).mono();
        assertThat(this.registry).doesNotHaveAnyObservation();
        assertThat(result.block(Duration.ofSeconds(5))).isEqualTo("later");
        assertThat(this.registry).hasObservationWithNameEqualTo("demo.mono")
            .that()
            .hasBeenStopped()
            .doesNotHaveLowCardinalityKeyValueWithKey("error.type");
    }

    @Test
    void fluxIsObservedUntilItsSubscriberCancels() {
        Flux<Long> result = proxy(new Service(), interceptor()).flux();
        assertThat(result.take(3).collectList().block(Duration.ofSeconds(5))).containsExactly(0L, 1L, 2L);
        assertThat(this.registry).hasObservationWithNameEqualTo("demo.flux").that().hasBeenStopped();
        assertThat(this.registry).hasObservationWithNameEqualTo("demo.flux")
            .that()
            .satisfies((context) -> assertThat(((TracedObservationContext) context).isCancelled()).isTrue());
    }

    @Test
    void fluxThatCompletesIsNotCancelled() {
        Service service = proxy(new Service(), interceptor());
        assertThat(service.deferred().collectList().block(Duration.ofSeconds(5))).hasSize(1);
        assertThat(this.registry).hasObservationWithNameEqualTo("demo.deferred")
            .that()
            .satisfies((context) -> assertThat(((TracedObservationContext) context).isCancelled()).isFalse());
    }

    @Test
    void whatRunsWhenTheFluxIsSubscribedToSeesItsObservationAsCurrent() {
        Flux<@Nullable String> result = proxy(new Service(this.registry), interceptor()).deferred();
        assertThat(this.registry.getCurrentObservation()).isNull();
        assertThat(result.collectList().block(Duration.ofSeconds(5))).containsExactly("demo.deferred");
        assertThat(this.registry.getCurrentObservation()).isNull();
    }

    @Test
    void parentOfEachSubscriptionIsTheObservationInTheSubscribersReactorContext() {
        Observation request = Observation.start("http.server.requests", this.registry);
        Mono<String> result = proxy(new Service(), interceptor()).mono()
            .contextWrite((context) -> context.put(ObservationThreadLocalAccessor.KEY, request));
        // subscribed on a thread where no observation is current, as WebFlux does
        assertThat(this.registry.getCurrentObservation()).isNull();
        assertThat(result.block(Duration.ofSeconds(5))).isEqualTo("later");
        request.stop();
        assertThat(this.registry).hasObservationWithNameEqualTo("demo.mono")
            .that()
            .hasParentObservationEqualTo(request);
    }

    @Test
    void typeLevelAnnotationObservesEveryPublicMethodAndMethodLevelWins() {
        TypeLevel typeLevel = proxy(new TypeLevel(), interceptor());
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
        proxy(new Service(), interceptor()).plain();
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
        Service service = proxy(new Service(), interceptor());
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
        assertThat(proxy(new Service(), interceptor()).work()).isEqualTo("worked");
    }

    @Test
    void skippedCallsAreNotObserved() {
        Service service = proxy(new Service(),
                new TracedMethodInterceptor(new TracedObserver(this.registry, null), (invocation) -> true));
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
        proxy(new Service(), new TracedMethodInterceptor(new TracedObserver(this.registry, convention))).work();
        assertThat(this.registry).hasObservationWithNameEqualTo("demo.work")
            .that()
            .hasLowCardinalityKeyValue("team", "search")
            .doesNotHaveLowCardinalityKeyValueWithKey("tier");
    }

    @Test
    void adviceIsObtainedLazilyOnceAndOnlyWhenFirstNeeded() {
        AtomicInteger supplied = new AtomicInteger();
        TracedPointcutAdvisor advisor = new TracedPointcutAdvisor(() -> {
            supplied.incrementAndGet();
            return interceptor();
        });
        assertThat(advisor.getPointcut().getMethodMatcher().matches(method(Service.class, "work"), Service.class))
            .isTrue();
        assertThat(supplied).hasValue(0);
        assertThat(advisor.getAdvice()).isSameAs(advisor.getAdvice());
        assertThat(supplied).hasValue(1);
    }

    @Test
    void pointcutMatchesAnnotatedMethodsAndPublicMethodsOfAnnotatedTypesOnly() {
        TracedPointcutAdvisor advisor = new TracedPointcutAdvisor(interceptor());
        MethodMatcher matcher = advisor.getPointcut().getMethodMatcher();
        assertThat(matcher.isRuntime()).isFalse();
        assertThat(matcher.matches(method(Service.class, "work"), Service.class)).isTrue();
        assertThat(matcher.matches(method(Service.class, "plain"), Service.class)).isFalse();
        assertThat(matcher.matches(method(TypeLevel.class, "first"), TypeLevel.class)).isTrue();
        assertThat(matcher.matches(method(TypeLevel.class, "hidden"), TypeLevel.class)).isFalse();
        assertThat(matcher.matches(method(Object.class, "toString"), TypeLevel.class)).isFalse();
    }

    @Test
    void annotationOnAnInterfaceMethodIsFoundThroughClassAndInterfaceProxies() {
        Greeter cglib = proxy(new GreeterImpl(), interceptor());
        assertThat(cglib.greet("ada")).isEqualTo("hello ada");
        Greeter jdk = jdkProxy(new GreeterImpl(), Greeter.class);
        assertThat(jdk.greet("bob")).isEqualTo("hello bob");
        assertThat(this.registry).hasNumberOfObservationsWithNameEqualTo("greeter.greet", 2);
    }

    @Test
    void annotationOnASuperclassMethodOrAnInterfaceTypeIsFound() {
        proxy(new SubService(), interceptor()).inherited();
        proxy(new TypeLevelImpl(), interceptor()).any();
        assertThat(this.registry).hasObservationWithNameEqualTo("base.inherited");
        assertThat(this.registry).hasObservationWithNameEqualTo("type_level_impl.any");
    }

    @Test
    void annotationOnAGenericInterfaceMethodIsFoundOnItsConcreteImplementation() {
        Handler<String> handler = proxy(new StringHandler(), interceptor());
        assertThat(handler.handle("x")).isEqualTo("handled x");
        assertThat(this.registry).hasNumberOfObservationsWithNameEqualTo("handler.handle", 1);
    }

    @Test
    void reservedOrBlankAttributeKeysAreRejectedNamingTheMethodAndKey() throws Exception {
        assertThatIllegalStateException()
            .isThrownBy(() -> TracedMethods.resolve(Invalid.class.getMethod("reserved"), Invalid.class))
            .withMessageContaining("'error.type'")
            .withMessageContaining(Invalid.class.getName() + ".reserved");
        assertThatIllegalStateException()
            .isThrownBy(() -> TracedMethods.resolve(Invalid.class.getMethod("blank"), Invalid.class))
            .withMessageContaining("blank");
    }

    @Test
    void failingScopeHandlerLeavesNoObservationCurrentOnTheThread() {
        this.registry.observationConfig().observationHandler(new ObservationHandler<>() {
            @Override
            public void onScopeOpened(Observation.Context context) {
                throw new IllegalStateException("broken scope");
            }

            @Override
            public boolean supportsContext(Observation.Context context) {
                return true;
            }
        });
        assertThat(proxy(new Service(), interceptor()).work()).isEqualTo("worked");
        assertThat(this.registry.getCurrentObservation()).isNull();
        assertThat(this.registry.getCurrentObservationScope()).isNull();
    }

    @Test
    void completionStageIsReturnedAsItIsSoCancellationReachesTheWork() {
        Service service = proxy(new Service(), interceptor());
        CompletableFuture<String> pending = new CompletableFuture<>();
        CompletionStage<String> result = service.async(pending);
        assertThat(result).isSameAs(pending);
        result.toCompletableFuture().cancel(false);
        assertThat(pending).isCancelled();
        assertThat(this.registry).hasObservationWithNameEqualTo("demo.async")
            .that()
            .hasBeenStopped()
            .hasLowCardinalityKeyValue("error.type", "java.util.concurrent.CancellationException");
    }

    @Test
    void failingSkipPredicateObservesTheCallAnyway() {
        Service service = proxy(new Service(),
                new TracedMethodInterceptor(new TracedObserver(this.registry, null), (invocation) -> {
                    throw new IllegalStateException("broken predicate");
                }));
        assertThat(service.work()).isEqualTo("worked");
        assertThat(this.registry).hasObservationWithNameEqualTo("demo.work");
    }

    @Test
    void predicatesSeeTheOperationNameAlsoWithACustomConventionThatGivesNone() {
        List<String> names = new CopyOnWriteArrayList<>();
        this.registry.observationConfig().observationPredicate((name, context) -> {
            names.add(name);
            return !name.equals("demo.work");
        });
        TracedObservationConvention unnamed = new TracedObservationConvention() {
        };
        Service service = proxy(new Service(), new TracedMethodInterceptor(new TracedObserver(this.registry, unnamed)));
        service.work();
        service.callModelAPI();
        assertThat(names).contains("demo.work", "service.call_model_api");
        assertThat(this.registry).hasObservationWithNameEqualTo("service.call_model_api");
        assertThat(this.registry).hasNumberOfObservationsWithNameEqualTo("demo.work", 0);
    }

    @SuppressWarnings("unchecked")
    private <T> T jdkProxy(T target, Class<T> type) {
        ProxyFactory factory = new ProxyFactory(target);
        factory.setInterfaces(type);
        factory.setProxyTargetClass(false);
        factory.addAdvisor(new TracedPointcutAdvisor(interceptor()));
        return (T) factory.getProxy();
    }

    private TracedMethodInterceptor interceptor() {
        return new TracedMethodInterceptor(new TracedObserver(this.registry, null));
    }

    private static Method method(Class<?> type, String name) {
        for (Method method : type.getDeclaredMethods()) {
            if (method.getName().equals(name)) {
                return method;
            }
        }
        try {
            return type.getMethod(name);
        }
        catch (NoSuchMethodException ex) {
            throw new IllegalArgumentException(ex);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(T target, TracedMethodInterceptor interceptor) {
        ProxyFactory factory = new ProxyFactory(target);
        factory.setProxyTargetClass(true);
        factory.addAdvisor(new TracedPointcutAdvisor(interceptor));
        return (T) factory.getProxy();
    }

    static class Service {

        private final @Nullable ObservationRegistry registry;

        Service() {
            this(null);
        }

        Service(@Nullable ObservationRegistry registry) {
            this.registry = registry;
        }

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

        @Traced("demo.mono")
        public Mono<String> mono() {
            return Mono.just("later").delayElement(Duration.ofMillis(20));
        }

        @Traced("demo.flux")
        public Flux<Long> flux() {
            return Flux.interval(Duration.ofMillis(5));
        }

        @Traced("demo.deferred")
        public Flux<@Nullable String> deferred() {
            return Flux.defer(() -> {
                Observation current = (this.registry != null) ? this.registry.getCurrentObservation() : null;
                return Flux.just((current != null) ? current.getContext().getName() : "none");
            });
        }

        public String plain() {
            return "plain";
        }

    }

    public interface Greeter {

        @Traced("greeter.greet")
        String greet(String name);

    }

    public static class GreeterImpl implements Greeter {

        @Override
        public String greet(String name) {
            return "hello " + name;
        }

    }

    public static class Base {

        @Traced("base.inherited")
        public String inherited() {
            return "inherited";
        }

    }

    public static class SubService extends Base {

        @Override
        public String inherited() {
            return "overridden";
        }

    }

    @Traced
    public interface TypeLevelApi {

        String any();

    }

    public static class TypeLevelImpl implements TypeLevelApi {

        @Override
        public String any() {
            return "any";
        }

    }

    public interface Handler<T> {

        @Traced("handler.handle")
        String handle(T input);

    }

    public static class StringHandler implements Handler<String> {

        @Override
        public String handle(String input) {
            return "handled " + input;
        }

    }

    public static class Invalid {

        @Traced(attributes = @Traced.Attribute(key = "error.type", value = "x"))
        public void reserved() {
        }

        @Traced(attributes = @Traced.Attribute(key = " ", value = "x"))
        public void blank() {
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

        String hidden() {
            return "hidden";
        }

    }

}
