package io.inferlens.autoconfigure.experiments;

import io.inferlens.experiments.Experiments;
import io.inferlens.testsupport.SpanCollection;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration;
import org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Experiments in an application context with Boot's own observation, metrics and
 * OpenTelemetry tracing auto-configurations, spans collected by the OpenTelemetry SDK's
 * in-memory exporter.
 *
 * @author Inferlens
 */
class ExperimentsIntegrationTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
        .withConfiguration(
                AutoConfigurations.of(ObservationAutoConfiguration.class, MicrometerTracingAutoConfiguration.class,
                        OpenTelemetrySdkAutoConfiguration.class, OpenTelemetryTracingAutoConfiguration.class,
                        MetricsAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
                        CompositeMeterRegistryAutoConfiguration.class, ExperimentsAutoConfiguration.class))
        .withPropertyValues("management.tracing.sampling.probability=1.0",
                "inferlens.experiments.routing-policy.variants.control=0.7",
                "inferlens.experiments.routing-policy.variants.cheap-first=0.3")
        .withUserConfiguration(SpanCollection.class);

    @Test
    void variantIsAnAttributeOfTheSpanOfTheCurrentObservation() {
        this.contextRunner.run((context) -> {
            ObservationRegistry registry = context.getBean(ObservationRegistry.class);
            Experiments experiments = context.getBean(Experiments.class);
            Observation observation = Observation.start("chat.request", registry);
            String variant;
            try (Observation.Scope scope = observation.openScope()) {
                variant = experiments.assign("routing-policy", "alice");
            }
            finally {
                observation.stop();
            }
            SpanData span = context.getBean(InMemorySpanExporter.class)
                .getFinishedSpanItems()
                .stream()
                .filter((candidate) -> candidate.getName().equals("chat.request"))
                .findFirst()
                .orElseThrow();
            assertThat(span.getAttributes().get(AttributeKey.stringKey("inferlens.experiment.routing-policy")))
                .isEqualTo(variant);
            // High-cardinality: on the span, never on the observation's timer.
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            assertThat(meters.get("chat.request").timer().getId().getTag("inferlens.experiment.routing-policy"))
                .isNull();
        });
    }

    @Test
    void assignmentsAndOutcomesAreCountedInTheMeterRegistry() {
        this.contextRunner.run((context) -> {
            Experiments experiments = context.getBean(Experiments.class);
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            // Exported at 0 before the first event, for every configured variant.
            assertThat(meters.get("inferlens.experiment.assignments")
                .tags("experiment", "routing-policy", "variant", "cheap-first")
                .counter()
                .count()).isZero();
            String variant = experiments.assign("routing-policy", "alice");
            experiments.assign("routing-policy", "alice");
            experiments.recordOutcome("routing-policy", variant, true);
            // Prometheus: inferlens_experiment_assignments_total{experiment,variant} and
            // inferlens_experiment_outcomes_total{experiment,outcome,variant}.
            assertThat(meters.get("inferlens.experiment.assignments")
                .tags("experiment", "routing-policy", "variant", variant)
                .counter()
                .count()).isEqualTo(2);
            assertThat(meters.get("inferlens.experiment.outcomes")
                .tags("experiment", "routing-policy", "variant", variant, "outcome", "success")
                .counter()
                .count()).isEqualTo(1);
            assertThat(experiments.results("routing-policy").variant(variant).assignments()).isEqualTo(2);
        });
    }

}
