package io.inferlens.autoconfigure.logs;

import java.util.List;

import ch.qos.logback.classic.LoggerContext;
import io.inferlens.logs.LogLevel;
import io.inferlens.logs.LogbackTraceLogAppender;
import io.inferlens.logs.TraceLogEvent;
import io.inferlens.logs.TraceLogStore;
import io.inferlens.testsupport.SpanCollection;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration;
import org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Logs per trace in a {@link SpringApplication}, started the way an application is, with
 * Spring Boot's logging system initializing Logback and Boot's observation and
 * OpenTelemetry tracing auto-configurations putting the trace id in the MDC.
 *
 * @author Inferlens
 */
class TraceLogsIntegrationTests {

    private static final Logger logger = LoggerFactory.getLogger(TraceLogsIntegrationTests.class);

    @Test
    void linesLoggedWithinAnObservationAreKeptUnderItsTraceId() {
        SpringApplication application = new SpringApplication(Application.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        try (ConfigurableApplicationContext context = application.run("--spring.main.banner-mode=off",
                "--management.tracing.sampling.probability=1.0")) {
            LoggerContext loggerContext = (LoggerContext) LoggerFactory.getILoggerFactory();
            // Boot's logging system reset Logback before the context started: still
            // attached.
            LogbackTraceLogAppender appender = context.getBean(LogbackTraceLogAppender.class);
            assertThat(appender.isAttachedTo(loggerContext)).isTrue();
            ObservationRegistry registry = context.getBean(ObservationRegistry.class);
            Observation.createNotStarted("chat.request", registry).observe(() -> {
                assertThat(MDC.get("traceId")).isNotBlank();
                logger.info("Routing to {} with api_key=sk-live1234567890", "gpt-4o");
                logger.debug("below the default level");
            });
            logger.info("after the observation, outside any trace");
            SpanData span = context.getBean(InMemorySpanExporter.class)
                .getFinishedSpanItems()
                .stream()
                .filter((candidate) -> candidate.getName().equals("chat.request"))
                .findFirst()
                .orElseThrow();
            TraceLogStore store = context.getBean(TraceLogStore.class);
            List<TraceLogEvent> events = store.forTrace(span.getTraceId());
            assertThat(events).singleElement().satisfies((event) -> {
                assertThat(event.message()).isEqualTo("Routing to gpt-4o with api_key=****");
                assertThat(event.level()).isEqualTo(LogLevel.INFO);
                assertThat(event.loggerName()).isEqualTo(TraceLogsIntegrationTests.class.getName());
                assertThat(event.spanId()).isEqualTo(span.getSpanId());
            });
            assertThat(store.recent(LogLevel.TRACE, 100)).extracting(TraceLogEvent::message)
                .doesNotContain("after the observation, outside any trace");
            context.close();
            assertThat(appender.isAttachedTo(loggerContext)).isFalse();
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration({ ObservationAutoConfiguration.class, MicrometerTracingAutoConfiguration.class,
            OpenTelemetrySdkAutoConfiguration.class, OpenTelemetryTracingAutoConfiguration.class,
            TraceLogsAutoConfiguration.class })
    @Import(SpanCollection.class)
    static class Application {

    }

}
