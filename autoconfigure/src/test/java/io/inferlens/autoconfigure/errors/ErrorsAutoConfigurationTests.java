package io.inferlens.autoconfigure.errors;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.inferlens.annotation.Traced;
import io.inferlens.autoconfigure.traced.TracedAutoConfiguration;
import io.inferlens.errors.CapturedError;
import io.inferlens.errors.DefaultErrorTracker;
import io.inferlens.errors.ErrorClassifier;
import io.inferlens.errors.ErrorContext;
import io.inferlens.errors.ErrorFingerprints;
import io.inferlens.errors.ErrorReporter;
import io.inferlens.errors.ErrorTracker;
import io.inferlens.errors.ErrorsObservationHandler;
import io.inferlens.errors.RecentErrors;
import io.inferlens.errors.Severity;
import io.inferlens.observation.InstrumentedOperation;
import io.inferlens.observation.TraceContextResolver;
import io.inferlens.spring.web.reactive.ReactiveErrorCaptureFilter;
import io.inferlens.spring.web.reactive.RequestLoggingWebFilter;
import io.inferlens.spring.web.servlet.MvcErrorCapture;
import io.inferlens.tracing.TracerTraceContextResolver;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Tracer;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link ErrorsAutoConfiguration}.
 *
 * @author Inferlens
 */
class ErrorsAutoConfigurationTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(ErrorsAutoConfiguration.class))
        .withBean(ObservationRegistry.class, ObservationRegistry::create)
        .withBean(MeterRegistry.class, SimpleMeterRegistry::new);

    @Test
    void providesHandlerThatTagsErrorsWithTheirClassName() {
        this.contextRunner.run((context) -> {
            assertThat(context).hasSingleBean(ErrorsObservationHandler.class);
            failOnce(context, new IllegalArgumentException());
            assertThat(errors(context, "java.lang.IllegalArgumentException", "demo.op")).isEqualTo(1);
        });
    }

    @Test
    void userClassifierIsUsed() {
        this.contextRunner.withBean(ErrorClassifier.class, () -> (error) -> "classified").run((context) -> {
            failOnce(context, new IllegalArgumentException());
            assertThat(errors(context, "classified", "demo.op")).isEqualTo(1);
        });
    }

    @Test
    void providesTrackerStoreAndFingerprintsConfiguredByProperties() {
        this.contextRunner
            .withPropertyValues("inferlens.errors.max-groups=2", "inferlens.errors.max-trace-ids-per-group=1",
                    "inferlens.errors.max-message-length=12", "inferlens.errors.application-packages=com.example")
            .run((context) -> {
                assertThat(context).hasSingleBean(DefaultErrorTracker.class).hasSingleBean(ErrorFingerprints.class);
                ErrorTracker tracker = context.getBean(ErrorTracker.class);
                RecentErrors store = context.getBean(RecentErrors.class);
                for (int i = 0; i < 3; i++) {
                    tracker.captureMessage(i + " message number", Severity.ERROR,
                            ErrorContext.of("op").withTrace("trace" + i, null));
                }
                assertThat(store.groups()).hasSize(2).allSatisfy((group) -> {
                    assertThat(group.recentTraceIds()).hasSize(1);
                    assertThat(group.lastMessage()).hasSize(12).endsWith("…");
                });
            });
    }

    @Test
    void errorReportersAreCalledInOrder() {
        List<String> calls = new CopyOnWriteArrayList<>();
        this.contextRunner.withBean("second", ErrorReporter.class, () -> new OrderedReporter(2, "second", calls))
            .withBean("first", ErrorReporter.class, () -> new OrderedReporter(1, "first", calls))
            .run((context) -> {
                context.getBean(ErrorTracker.class)
                    .captureException(new IllegalStateException(), ErrorContext.of("op"));
                assertThat(calls).containsExactly("first", "second");
            });
    }

    @Test
    void invalidPropertiesFailStartupNamingTheKey() {
        this.contextRunner.withPropertyValues("inferlens.errors.max-groups=0").run((context) -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                .hasMessageContaining("inferlens.errors.max-groups must be at least 1");
        });
    }

    @Test
    void backsOffWhenUserDefinesHandlerAndTracker() {
        ErrorTracker tracker = new ErrorTracker() {

            @Override
            public boolean captureException(Throwable error, ErrorContext context) {
                return false;
            }

            @Override
            public void captureMessage(String message, Severity severity, ErrorContext context) {
            }

        };
        ErrorsObservationHandler handler = new ErrorsObservationHandler(tracker, TraceContextResolver.MDC_KEYS);
        this.contextRunner.withBean("userHandler", ErrorsObservationHandler.class, () -> handler)
            .withBean("userTracker", ErrorTracker.class, () -> tracker)
            .run((context) -> {
                assertThat(context.getBean(ErrorsObservationHandler.class)).isSameAs(handler);
                assertThat(context.getBean(ErrorTracker.class)).isSameAs(tracker);
                assertThat(context).doesNotHaveBean(DefaultErrorTracker.class);
            });
    }

    @Test
    void nothingWhenInferlensIsDisabled() {
        this.contextRunner.withPropertyValues("inferlens.enabled=false").run((context) -> {
            assertThat(context).doesNotHaveBean(ErrorsObservationHandler.class);
            assertThat(context).doesNotHaveBean(ErrorTracker.class);
        });
    }

    @Test
    void trackerWithoutMicrometerCoreCountsNothingButStillStores() {
        this.contextRunner.withClassLoader(new FilteredClassLoader(MeterRegistry.class)).run((context) -> {
            assertThat(context).hasNotFailed();
            context.getBean(ErrorTracker.class).captureException(new IllegalStateException(), ErrorContext.of("op"));
            assertThat(context.getBean(RecentErrors.class).totalCount()).isEqualTo(1);
        });
    }

    @Test
    void trackerWithoutMeterRegistryBeanStillStores() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(ErrorsAutoConfiguration.class))
            .run((context) -> {
                context.getBean(ErrorTracker.class)
                    .captureException(new IllegalStateException(), ErrorContext.of("op"));
                assertThat(context.getBean(RecentErrors.class).totalCount()).isEqualTo(1);
            });
    }

    @Test
    void noMvcCaptureOutsideAServletWebApplication() {
        this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(MvcErrorCapture.class));
    }

    @Test
    void mvcCaptureInAServletWebApplication() {
        new WebApplicationContextRunner().withConfiguration(AutoConfigurations.of(ErrorsAutoConfiguration.class))
            .run((context) -> assertThat(context).hasSingleBean(MvcErrorCapture.class));
    }

    @Test
    void exceptionsOutOfTheFilterChainAreCapturedByAFilterRightInsideTheRequestLog() {
        new WebApplicationContextRunner().withConfiguration(AutoConfigurations.of(ErrorsAutoConfiguration.class))
            .run((context) -> {
                FilterRegistrationBean<?> registration = context.getBean("inferlensErrorCaptureFilter",
                        FilterRegistrationBean.class);
                assertThat(registration.getOrder()).isEqualTo(Ordered.HIGHEST_PRECEDENCE + 3);
                IllegalStateException failure = new IllegalStateException("boom");
                assertThatIllegalStateException().isThrownBy(() -> registration.getFilter()
                    .doFilter(new MockHttpServletRequest("GET", "/"), new MockHttpServletResponse(), (req, res) -> {
                        throw failure;
                    })).isSameAs(failure);
                assertThat(context.getBean(RecentErrors.class).groups()).singleElement()
                    .satisfies((group) -> assertThat(group.operation()).isEqualTo("http.server.requests"));
            });
    }

    @Test
    void noErrorCaptureFilterOutsideAServletWebApplication() {
        this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean("inferlensErrorCaptureFilter")
            .doesNotHaveBean(ReactiveErrorCaptureFilter.class));
    }

    @Test
    void reactiveApplicationsCaptureWithAWebFilterRightInsideTheRequestLog() {
        new ReactiveWebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ErrorsAutoConfiguration.class))
            .run((context) -> {
                assertThat(context).doesNotHaveBean("inferlensErrorCaptureFilter")
                    .doesNotHaveBean(MvcErrorCapture.class);
                ReactiveErrorCaptureFilter filter = context.getBean(ReactiveErrorCaptureFilter.class);
                assertThat(filter.getOrder()).isEqualTo(RequestLoggingWebFilter.DEFAULT_ORDER + 1);
                IllegalStateException failure = new IllegalStateException("boom");
                MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/"));
                assertThat(filter.filter(exchange, (filtered) -> Mono.error(failure)).materialize().block())
                    .satisfies((signal) -> assertThat(signal.getThrowable()).isSameAs(failure));
                assertThat(context.getBean(RecentErrors.class).groups()).singleElement()
                    .satisfies((group) -> assertThat(group.operation()).isEqualTo("http.server.requests"));
            });
    }

    @Test
    void reactiveCaptureBacksOffToTheUsersAndIsAbsentFromServletApplications() {
        ReactiveErrorCaptureFilter user = new ReactiveErrorCaptureFilter(() -> null, false);
        new ReactiveWebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ErrorsAutoConfiguration.class))
            .withBean(ReactiveErrorCaptureFilter.class, () -> user)
            .run((context) -> assertThat(context).getBean(ReactiveErrorCaptureFilter.class).isSameAs(user));
        new WebApplicationContextRunner().withConfiguration(AutoConfigurations.of(ErrorsAutoConfiguration.class))
            .run((context) -> assertThat(context).doesNotHaveBean(ReactiveErrorCaptureFilter.class));
        new ReactiveWebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ErrorsAutoConfiguration.class))
            .withClassLoader(new FilteredClassLoader(WebFilter.class))
            .run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ReactiveErrorCaptureFilter.class));
    }

    @Test
    void usesTheTracerToFindTraceIdsWhenThereIsOne() {
        this.contextRunner.withBean(Tracer.class, () -> Tracer.NOOP)
            .run((context) -> assertThat(context).hasSingleBean(TracerTraceContextResolver.class));
    }

    @Test
    void failingTracedMethodIsCountedThroughBootsObservationAndMetrics() {
        new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class, MetricsAutoConfiguration.class,
                    SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
                    AopAutoConfiguration.class, TracedAutoConfiguration.class, ErrorsAutoConfiguration.class))
            .withBean(Gateway.class)
            .run((context) -> {
                Gateway gateway = context.getBean(Gateway.class);
                gateway.route();
                assertThatIllegalStateException().isThrownBy(gateway::fail).withMessage("no healthy target");
                assertThatIllegalStateException().isThrownBy(gateway::fail);
                MeterRegistry meters = context.getBean(MeterRegistry.class);
                // Prometheus:
                // inferlens_errors_total{error_type="java.lang.IllegalStateException",operation="gateway.fail"}
                assertThat(meters.get("inferlens.errors")
                    .tags("error.type", "java.lang.IllegalStateException", "operation", "gateway.fail")
                    .counter()
                    .count()).isEqualTo(2);
                assertThat(meters.find("inferlens.errors").counters()).hasSize(1);
            });
    }

    private static void failOnce(ApplicationContext context, Throwable error) {
        ObservationRegistry registry = context.getBean(ObservationRegistry.class);
        registry.observationConfig().observationHandler(context.getBean(ErrorsObservationHandler.class));
        Observation observation = Observation.start("demo.op", Operation::new, registry);
        observation.error(error);
        observation.stop();
    }

    private static double errors(ApplicationContext context, String errorType, String operation) {
        return context.getBean(MeterRegistry.class)
            .get("inferlens.errors")
            .tags("error.type", errorType, "operation", operation)
            .counter()
            .count();
    }

    static final class OrderedReporter implements ErrorReporter, Ordered {

        private final int order;

        private final String name;

        private final List<String> calls;

        OrderedReporter(int order, String name, List<String> calls) {
            this.order = order;
            this.name = name;
            this.calls = calls;
        }

        @Override
        public void report(CapturedError error) {
            this.calls.add(this.name);
        }

        @Override
        public int getOrder() {
            return this.order;
        }

    }

    static class Operation extends Observation.Context implements InstrumentedOperation {

        @Override
        public String getOperationName() {
            return "demo.op";
        }

    }

    public static class Gateway {

        @Traced("gateway.route")
        public String route() {
            return "ok";
        }

        @Traced("gateway.fail")
        public String fail() {
            throw new IllegalStateException("no healthy target");
        }

    }

}
