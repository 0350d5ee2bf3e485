package io.inferlens.experiments;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * {@link ExperimentRecorder} that counts assignments in {@value #ASSIGNMENTS_METER_NAME}
 * (Prometheus {@code inferlens_experiment_assignments_total}), tagged with
 * {@code experiment} and {@code variant}, and outcomes in {@value #OUTCOMES_METER_NAME}
 * (Prometheus {@code inferlens_experiment_outcomes_total}), tagged with
 * {@code experiment}, {@code variant} and {@code outcome}, {@code success} or
 * {@code failure}. The counters of a variant are registered when it is first asked for,
 * when the experiments are created, so they are exported at 0 before the first event.
 *
 * @author Inferlens
 */
public class MicrometerExperimentRecorder implements ExperimentRecorder {

    /**
     * Name of the counter of assignments.
     */
    public static final String ASSIGNMENTS_METER_NAME = "inferlens.experiment.assignments";

    /**
     * Name of the counter of outcomes.
     */
    public static final String OUTCOMES_METER_NAME = "inferlens.experiment.outcomes";

    private final MeterRegistry registry;

    /**
     * Create a recorder that registers its counters in the given registry.
     * @param registry the registry of the counters
     */
    public MicrometerExperimentRecorder(MeterRegistry registry) {
        this.registry = registry;
    }

    // No base unit: these count events, and a unit would only be appended to the
    // Prometheus names.
    @Override
    public VariantRecorder variant(String experiment, String variant) {
        Counter assignments = Counter.builder(ASSIGNMENTS_METER_NAME)
            .description("Assignments of subjects to a variant of an A/B experiment")
            .tag("experiment", experiment)
            .tag("variant", variant)
            .register(this.registry);
        return new CountingVariantRecorder(assignments, outcome(experiment, variant, "success"),
                outcome(experiment, variant, "failure"));
    }

    private Counter outcome(String experiment, String variant, String outcome) {
        return Counter.builder(OUTCOMES_METER_NAME)
            .description("Outcomes of a variant of an A/B experiment, successes and failures")
            .tag("experiment", experiment)
            .tag("variant", variant)
            .tag("outcome", outcome)
            .register(this.registry);
    }

    private record CountingVariantRecorder(Counter assignments, Counter successes,
            Counter failures) implements VariantRecorder {

        @Override
        public void assigned() {
            this.assignments.increment();
        }

        @Override
        public void outcome(boolean success) {
            (success ? this.successes : this.failures).increment();
        }

    }

}
