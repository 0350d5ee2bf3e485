package io.inferlens.autoconfigure.errors;

import io.inferlens.annotation.Traced;
import io.inferlens.autoconfigure.traced.TracedAutoConfiguration;
import io.inferlens.errors.ErrorClassifier;
import io.inferlens.errors.ErrorsObservationHandler;
import io.inferlens.errors.InstrumentedOperation;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;

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
    void providesHandlerThatTagsErrorsWithTheirSimpleClassName() {
        this.contextRunner.run((context) -> {
            assertThat(context).hasSingleBean(ErrorsObservationHandler.class);
            failOnce(context, new IllegalArgumentException());
            assertThat(errors(context, "IllegalArgumentException", "demo.op")).isEqualTo(1);
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
    void backsOffWhenUserDefinesHandler() {
        ErrorsObservationHandler handler = new ErrorsObservationHandler(new SimpleMeterRegistry(),
                ErrorClassifier.SIMPLE_CLASS_NAME);
        this.contextRunner.withBean("userHandler", ErrorsObservationHandler.class, () -> handler)
            .run((context) -> assertThat(context.getBean(ErrorsObservationHandler.class)).isSameAs(handler));
    }

    @Test
    void noHandlerWhenInferlensIsDisabled() {
        this.contextRunner.withPropertyValues("inferlens.enabled=false")
            .run((context) -> assertThat(context).doesNotHaveBean(ErrorsObservationHandler.class));
    }

    @Test
    void noHandlerWithoutMicrometerCore() {
        this.contextRunner.withClassLoader(new FilteredClassLoader(MeterRegistry.class)).run((context) -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(ErrorsObservationHandler.class);
        });
    }

    @Test
    void noHandlerWithoutMeterRegistryBean() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(ErrorsAutoConfiguration.class))
            .run((context) -> assertThat(context).doesNotHaveBean(ErrorsObservationHandler.class));
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
                // inferlens_errors_total{error_type="IllegalStateException",operation="gateway.fail"}
                assertThat(meters.get("inferlens.errors")
                    .tags("error_type", "IllegalStateException", "operation", "gateway.fail")
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
            .tags("error_type", errorType, "operation", operation)
            .counter()
            .count();
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
