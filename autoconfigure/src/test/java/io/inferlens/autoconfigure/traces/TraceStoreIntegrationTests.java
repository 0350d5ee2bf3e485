package io.inferlens.autoconfigure.traces;

import java.io.IOException;
import java.util.List;

import io.inferlens.annotation.SpanKind;
import io.inferlens.annotation.Traced;
import io.inferlens.autoconfigure.traced.TracedAutoConfiguration;
import io.inferlens.traces.SpanNode;
import io.inferlens.traces.SpanStatus;
import io.inferlens.traces.StoredSpan;
import io.inferlens.traces.TraceQuery;
import io.inferlens.traces.TraceStore;
import io.inferlens.traces.TraceSummary;
import io.inferlens.traces.TraceView;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration;
import org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The trace store in an application context with Boot's own observation and OpenTelemetry
 * tracing auto-configurations and no exporter: {@code @Traced} calls are read back from
 * the store as span trees.
 *
 * @author Inferlens
 */
class TraceStoreIntegrationTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
        .withPropertyValues("inferlens.trace-store.enabled=true")
        .withConfiguration(
                AutoConfigurations.of(ObservationAutoConfiguration.class, MicrometerTracingAutoConfiguration.class,
                        OpenTelemetrySdkAutoConfiguration.class, OpenTelemetryTracingAutoConfiguration.class,
                        AopAutoConfiguration.class, TracedAutoConfiguration.class, TraceStoreAutoConfiguration.class))
        .withPropertyValues("management.tracing.sampling.probability=1.0")
        .withUserConfiguration(Services.class);

    @Test
    void nestedTracedCallsAreReadBackAsATree() {
        this.contextRunner.run((context) -> {
            context.getBean(Outer.class).call();
            TraceStore store = context.getBean(TraceStore.class);
            List<TraceSummary> recent = store.recent(TraceQuery.all());
            assertThat(recent).singleElement().satisfies((summary) -> {
                assertThat(summary.name()).isEqualTo("demo.outer");
                assertThat(summary.spanCount()).isEqualTo(3);
                assertThat(summary.error()).isFalse();
            });
            TraceView view = store.trace(recent.get(0).traceId()).orElseThrow();
            assertThat(view.roots()).singleElement().satisfies((root) -> {
                assertThat(root.span().name()).isEqualTo("demo.outer");
                assertThat(root.span().parentSpanId()).isNull();
                assertThat(root.children()).extracting((node) -> node.span().name())
                    .containsExactly("demo.inner", "demo.inner");
                SpanNode inner = root.children().get(0);
                assertThat(inner.span().kind()).isEqualTo(SpanKind.CLIENT);
                assertThat(inner.span().attributes()).containsEntry("tier", "gold").doesNotContainKey("error.type");
                assertThat(inner.span().parentSpanId()).isEqualTo(root.span().spanId());
                assertThat(inner.span().startEpochNanos())
                    .isLessThanOrEqualTo(root.children().get(1).span().startEpochNanos());
            });
            assertThat(store.recent(TraceQuery.all().withAttribute("tier", "gold"))).hasSize(1);
        });
    }

    @Test
    void failingCallIsFoundByTheErrorsOnlyQueryWithItsExceptionEvent() {
        this.contextRunner.run((context) -> {
            context.getBean(Outer.class).call();
            assertThatThrownBy(() -> context.getBean(Outer.class).callFailing()).isInstanceOf(IOException.class);
            TraceStore store = context.getBean(TraceStore.class);
            assertThat(store.recent(TraceQuery.all())).hasSize(2);
            List<TraceSummary> errors = store.recent(TraceQuery.all().withErrorsOnly());
            assertThat(errors).singleElement().satisfies((summary) -> {
                assertThat(summary.name()).isEqualTo("demo.outer-failing");
                assertThat(summary.error()).isTrue();
            });
            TraceView view = store.trace(errors.get(0).traceId()).orElseThrow();
            StoredSpan failed = view.roots().get(0).children().get(0).span();
            assertThat(failed.name()).isEqualTo("demo.fail");
            assertThat(failed.status()).isEqualTo(SpanStatus.ERROR);
            assertThat(failed.events()).anySatisfy((event) -> {
                assertThat(event.name()).isEqualTo("exception");
                assertThat(event.attributes()).containsEntry("exception.type", IOException.class.getName())
                    .containsEntry("exception.message", "model unavailable password=****");
            });
        });
    }

    @Test
    void nothingIsStoredWhenNotSampled() {
        this.contextRunner.withPropertyValues("management.tracing.sampling.probability=0.0").run((context) -> {
            context.getBean(Outer.class).call();
            assertThat(context.getBean(TraceStore.class).size()).isZero();
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class Services {

        @Bean
        Inner inner() {
            return new Inner();
        }

        @Bean
        Outer outer(Inner inner) {
            return new Outer(inner);
        }

    }

    public static class Outer {

        private final Inner inner;

        public Outer(Inner inner) {
            this.inner = inner;
        }

        @Traced("demo.outer")
        public String call() {
            return this.inner.call() + this.inner.call();
        }

        @Traced("demo.outer-failing")
        public String callFailing() throws IOException {
            return this.inner.fail();
        }

    }

    public static class Inner {

        @Traced(value = "demo.inner", kind = SpanKind.CLIENT,
                attributes = @Traced.Attribute(key = "tier", value = "gold"))
        public String call() {
            return "answer";
        }

        @Traced("demo.fail")
        public String fail() throws IOException {
            throw new IOException("model unavailable password=hunter2");
        }

    }

}
