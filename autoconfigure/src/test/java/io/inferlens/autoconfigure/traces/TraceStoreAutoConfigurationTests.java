package io.inferlens.autoconfigure.traces;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.inferlens.annotation.SpanKind;
import io.inferlens.autoconfigure.logs.TraceLogsAutoConfiguration;
import io.inferlens.logs.LogLevel;
import io.inferlens.logs.TraceLogEvent;
import io.inferlens.logs.TraceLogStore;
import io.inferlens.traces.InMemoryTraceStore;
import io.inferlens.traces.OpenTelemetryTraceStoreSpanProcessor;
import io.inferlens.traces.SpanStatus;
import io.inferlens.traces.StoredSpan;
import io.inferlens.traces.TraceStore;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link TraceStoreAutoConfiguration}.
 *
 * @author Inferlens
 */
class TraceStoreAutoConfigurationTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
        .withPropertyValues("inferlens.trace-store.enabled=true")
        .withConfiguration(AutoConfigurations.of(TraceStoreAutoConfiguration.class));

    @Test
    void providesStoreWithDefaultBoundsAndSpanProcessor() {
        this.contextRunner.run((context) -> {
            InMemoryTraceStore store = context.getBean(InMemoryTraceStore.class);
            assertThat(store.getMaxTraces()).isEqualTo(1000);
            assertThat(store.getMaxSpansPerTrace()).isEqualTo(500);
            assertThat(store.getMaxAttributeValueLength()).isEqualTo(1000);
            assertThat(context).hasSingleBean(OpenTelemetryTraceStoreSpanProcessor.class);
        });
    }

    @Test
    void boundsAreConfigurable() {
        this.contextRunner
            .withPropertyValues("inferlens.trace-store.max-traces=5", "inferlens.trace-store.max-spans-per-trace=2",
                    "inferlens.trace-store.max-attribute-value-length=10")
            .run((context) -> {
                InMemoryTraceStore store = context.getBean(InMemoryTraceStore.class);
                assertThat(store.getMaxTraces()).isEqualTo(5);
                assertThat(store.getMaxSpansPerTrace()).isEqualTo(2);
                assertThat(store.getMaxAttributeValueLength()).isEqualTo(10);
            });
    }

    @Test
    void impossibleBoundFailsStartupNamingTheKey() {
        this.contextRunner.withPropertyValues("inferlens.trace-store.max-spans-per-trace=0").run((context) -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                .hasMessageContaining("inferlens.trace-store.max-spans-per-trace must be at least 1, but was 0");
        });
        this.contextRunner.withPropertyValues("inferlens.trace-store.max-traces=-1")
            .run((context) -> assertThat(context.getStartupFailure()).rootCause()
                .hasMessageContaining("inferlens.trace-store.max-traces"));
        this.contextRunner.withPropertyValues("inferlens.trace-store.max-attribute-value-length=0")
            .run((context) -> assertThat(context.getStartupFailure()).rootCause()
                .hasMessageContaining("inferlens.trace-store.max-attribute-value-length"));
    }

    @Test
    void backsOffWhenUserDefinesStoreAndFeedsIt() {
        InMemoryTraceStore userStore = new InMemoryTraceStore(1, 1, 1);
        this.contextRunner.withBean(TraceStore.class, () -> userStore).run((context) -> {
            assertThat(context).hasSingleBean(TraceStore.class);
            assertThat(context.getBean(TraceStore.class)).isSameAs(userStore);
            assertThat(context).hasSingleBean(OpenTelemetryTraceStoreSpanProcessor.class);
        });
    }

    @Test
    void backsOffWhenUserDefinesSpanProcessor() {
        this.contextRunner
            .withBean("custom", OpenTelemetryTraceStoreSpanProcessor.class,
                    () -> new OpenTelemetryTraceStoreSpanProcessor(new InMemoryTraceStore(1, 1, 1)))
            .run((context) -> assertThat(context).hasSingleBean(OpenTelemetryTraceStoreSpanProcessor.class)
                .hasBean("custom"));
    }

    @Test
    void disabledByItsProperty() {
        this.contextRunner.withPropertyValues("inferlens.trace-store.enabled=false")
            .run((context) -> assertThat(context).doesNotHaveBean(TraceStore.class)
                .doesNotHaveBean(OpenTelemetryTraceStoreSpanProcessor.class));
    }

    @Test
    void disabledWithInferlens() {
        this.contextRunner.withPropertyValues("inferlens.enabled=false")
            .run((context) -> assertThat(context).doesNotHaveBean(TraceStore.class)
                .doesNotHaveBean(OpenTelemetryTraceStoreSpanProcessor.class));
    }

    @Test
    void storeWithoutSpanProcessorWhenTheOpenTelemetrySdkIsAbsent() {
        this.contextRunner.withClassLoader(new FilteredClassLoader("io.opentelemetry.sdk"))
            .run((context) -> assertThat(context).hasSingleBean(TraceStore.class)
                .doesNotHaveBean(OpenTelemetryTraceStoreSpanProcessor.class));
    }

    @Test
    void traceViewIncludesTheLogsOfTheTraceLogStore() {
        this.contextRunner.withConfiguration(AutoConfigurations.of(TraceLogsAutoConfiguration.class)).run((context) -> {
            context.getBean(TraceLogStore.class)
                .append(new TraceLogEvent(Instant.now(), LogLevel.INFO, "chat", "main", "answered", "t1", "s1", null,
                        null, Map.of()));
            TraceStore store = context.getBean(TraceStore.class);
            store.add(new StoredSpan("t1", "s1", null, "chat", SpanKind.SERVER, 1L, 1L, SpanStatus.UNSET, null,
                    Map.of(), List.of()));
            assertThat(store.trace("t1").orElseThrow().logs()).extracting(TraceLogEvent::message)
                .containsExactly("answered");
        });
    }

    @Test
    void offByDefault() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(TraceStoreAutoConfiguration.class))
            .run((context) -> assertThat(context.getBeanDefinitionNames())
                .noneMatch((name) -> name.startsWith("inferlens")));
    }

}
