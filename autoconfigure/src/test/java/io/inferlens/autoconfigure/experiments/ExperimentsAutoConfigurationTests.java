package io.inferlens.autoconfigure.experiments;

import java.util.List;

import io.inferlens.experiments.DefaultExperiments;
import io.inferlens.experiments.ExperimentRecorder;
import io.inferlens.experiments.Experiments;
import io.inferlens.experiments.MicrometerExperimentRecorder;
import io.inferlens.experiments.VariantRecorder;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.tck.TestObservationRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link ExperimentsAutoConfiguration}.
 *
 * @author Inferlens
 */
class ExperimentsAutoConfigurationTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(ExperimentsAutoConfiguration.class));

    @Test
    void providesExperimentsWithoutAnyConfiguredAndAssignmentsFailNamingTheExperiment() {
        this.contextRunner.run((context) -> {
            assertThat(context).hasSingleBean(DefaultExperiments.class);
            assertThat(context).hasSingleBean(InferlensExperimentsProperties.class);
            assertThat(context).doesNotHaveBean(ExperimentRecorder.class);
            Experiments experiments = context.getBean(Experiments.class);
            assertThat(experiments.names()).isEmpty();
            assertThatIllegalArgumentException().isThrownBy(() -> experiments.assign("routing-policy", "alice"))
                .withMessageContaining("Unknown experiment 'routing-policy'; no experiment is configured");
        });
    }

    @Test
    void experimentsAndVariantsKeepTheConfiguredOrderAndTheFirstVariantIsTheControl() {
        this.contextRunner
            .withPropertyValues("inferlens.experiments.routing-policy.variants.cheap-first=0.3",
                    "inferlens.experiments.routing-policy.variants.baseline=0.7",
                    "inferlens.experiments.prompt.variants.v2=0.5", "inferlens.experiments.prompt.variants.v1=0.5")
            .run((context) -> {
                Experiments experiments = context.getBean(Experiments.class);
                assertThat(experiments.names()).containsExactly("routing-policy", "prompt");
                assertThat(experiments.variants("routing-policy")).containsExactly("cheap-first", "baseline");
                assertThat(experiments.results("routing-policy").control().name()).isEqualTo("cheap-first");
                assertThat(experiments.results("routing-policy").control().weight()).isEqualTo(0.3);
                assertThat(experiments.variants("prompt")).containsExactly("v2", "v1");
            });
    }

    @Test
    void singleVariantIsAllowed() {
        this.contextRunner.withPropertyValues("inferlens.experiments.rollout.variants.new-router=1").run((context) -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(Experiments.class).assign("rollout", "alice")).isEqualTo("new-router");
        });
    }

    @Test
    void negativeWeightFailsStartupNamingTheProperty() {
        assertStartupFailure(
                List.of("inferlens.experiments.routing-policy.variants.a=1.2",
                        "inferlens.experiments.routing-policy.variants.b=-0.2"),
                "Weight of variant 'b' of experiment 'routing-policy' must be positive and finite, but was -0.2");
    }

    @Test
    void zeroWeightFailsStartupNamingTheProperty() {
        assertStartupFailure(
                List.of("inferlens.experiments.routing-policy.variants.a=1",
                        "inferlens.experiments.routing-policy.variants.b=0"),
                "Weight of variant 'b' of experiment 'routing-policy' must be positive and finite, but was 0.0");
    }

    @Test
    void weightsNotSummingToOneFailStartupNamingTheProperty() {
        assertStartupFailure(
                List.of("inferlens.experiments.routing-policy.variants.a=0.7",
                        "inferlens.experiments.routing-policy.variants.b=0.4"),
                "Weights of the variants of experiment 'routing-policy' must sum to 1, but sum to 1.1");
    }

    @Test
    void experimentWithoutVariantsFailsStartupNamingTheProperty() {
        assertStartupFailure(List.of("inferlens.experiments.routing-policy.variants="),
                "Experiment 'routing-policy' must have at least one variant");
    }

    @Test
    void experimentWithoutPropertiesFailsStartupNamingTheProperty() {
        assertStartupFailure(List.of("inferlens.experiments.routing-policy="),
                "Experiment 'routing-policy' must have at least one variant");
    }

    @Test
    void weightThatIsNotANumberFailsStartupNamingTheProperty() {
        this.contextRunner.withPropertyValues("inferlens.experiments.routing-policy.variants.a=most").run((context) -> {
            assertThat(context).hasFailed();
            // Boot's binder fails first, with a BindException deeper in the chain.
            assertThat(context.getStartupFailure()).hasStackTraceContaining(
                    "Failed to bind properties under 'inferlens.experiments.routing-policy.variants.a' to java.lang.Double");
        });
    }

    @Test
    void countsAssignmentsAndOutcomesWithAMeterRegistry() {
        this.contextRunner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
            .withPropertyValues("inferlens.experiments.routing-policy.variants.a=0.5",
                    "inferlens.experiments.routing-policy.variants.b=0.5")
            .run((context) -> {
                assertThat(context).hasSingleBean(MicrometerExperimentRecorder.class);
                Experiments experiments = context.getBean(Experiments.class);
                String variant = experiments.assign("routing-policy", "alice");
                experiments.recordOutcome("routing-policy", variant, false);
                MeterRegistry meters = context.getBean(MeterRegistry.class);
                assertThat(meters.get("inferlens.experiment.assignments")
                    .tags("experiment", "routing-policy", "variant", variant)
                    .counter()
                    .count()).isEqualTo(1);
                assertThat(meters.get("inferlens.experiment.outcomes")
                    .tags("experiment", "routing-policy", "variant", variant, "outcome", "failure")
                    .counter()
                    .count()).isEqualTo(1);
            });
    }

    @Test
    void tagsTheCurrentObservationOfTheObservationRegistry() {
        TestObservationRegistry registry = TestObservationRegistry.create();
        this.contextRunner.withBean(TestObservationRegistry.class, () -> registry)
            .withPropertyValues("inferlens.experiments.routing-policy.variants.a=1")
            .run((context) -> {
                Observation observation = Observation.start("chat", registry);
                try (Observation.Scope scope = observation.openScope()) {
                    context.getBean(Experiments.class).assign("routing-policy", "alice");
                }
                observation.stop();
                assertThat(observation.getContext()
                    .getHighCardinalityKeyValue("inferlens.experiment.routing-policy")
                    .getValue()).isEqualTo("a");
            });
    }

    @Test
    void backsOffWhenUserDefinesExperiments() {
        Experiments experiments = new DefaultExperiments(List.of());
        this.contextRunner.withBean("userExperiments", Experiments.class, () -> experiments).run((context) -> {
            assertThat(context).hasSingleBean(Experiments.class);
            assertThat(context).doesNotHaveBean("inferlensExperiments");
            assertThat(context.getBean(Experiments.class)).isSameAs(experiments);
        });
    }

    @Test
    void backsOffWhenUserDefinesRecorderAndUsesIt() {
        CountingRecorder recorder = new CountingRecorder();
        this.contextRunner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
            .withBean(ExperimentRecorder.class, () -> recorder)
            .withPropertyValues("inferlens.experiments.routing-policy.variants.a=1")
            .run((context) -> {
                assertThat(context).doesNotHaveBean(MicrometerExperimentRecorder.class);
                assertThat(context.getBean(ExperimentRecorder.class)).isSameAs(recorder);
                context.getBean(Experiments.class).assign("routing-policy", "alice");
                assertThat(recorder.assignments).isEqualTo(1);
            });
    }

    @Test
    void noRecorderWithoutMicrometerCore() {
        this.contextRunner.withBean(SimpleMeterRegistry.class, SimpleMeterRegistry::new)
            .withClassLoader(new FilteredClassLoader(MeterRegistry.class))
            .withPropertyValues("inferlens.experiments.routing-policy.variants.a=1")
            .run((context) -> {
                assertThat(context).doesNotHaveBean(ExperimentRecorder.class);
                assertThat(context.getBean(Experiments.class).assign("routing-policy", "alice")).isEqualTo("a");
            });
    }

    @Test
    void wholeStarterCanBeDisabled() {
        this.contextRunner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
            .withPropertyValues("inferlens.enabled=false", "inferlens.experiments.routing-policy.variants.a=2")
            .run((context) -> {
                assertThat(context).hasNotFailed();
                assertThat(context).doesNotHaveBean(Experiments.class);
                assertThat(context).doesNotHaveBean(ExperimentRecorder.class);
                assertThat(context).doesNotHaveBean(InferlensExperimentsProperties.class);
            });
    }

    private void assertStartupFailure(List<String> properties, String reason) {
        this.contextRunner.withPropertyValues(properties.toArray(String[]::new)).run((context) -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                .isInstanceOf(InvalidConfigurationPropertyValueException.class)
                .hasMessageStartingWith("Property inferlens.experiments.routing-policy.variants with value ")
                .hasMessageEndingWith(" is invalid: " + reason);
        });
    }

    static class CountingRecorder implements ExperimentRecorder {

        int assignments;

        @Override
        public VariantRecorder variant(String experiment, String variant) {
            return new VariantRecorder() {

                @Override
                public void assigned() {
                    CountingRecorder.this.assignments++;
                }

                @Override
                public void outcome(boolean success) {
                }

            };
        }

    }

}
