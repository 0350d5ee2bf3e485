package io.inferlens.experiments;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Default {@link Experiments}, for a fixed set of {@link ExperimentDefinition
 * experiments}.
 * <p>
 * A subject is assigned by hashing the experiment name and the subject key to a number
 * {@code u} in [0, 1) (64-bit FNV-1a over their UTF-8 bytes, separated by a zero byte,
 * then the SplitMix64 finalizer; the top 53 bits divided by 2<sup>53</sup>) and taking
 * the first variant, in configured order, whose cumulative weight exceeds {@code u}. The
 * assignment therefore depends on nothing but the experiment name, the subject key and
 * the variants and their weights: changing the weights or the order of the variants
 * reassigns some subjects.
 * <p>
 * Assignments and outcomes are counted per variant, exactly under concurrency, and passed
 * to an {@link ExperimentRecorder}, resolved per variant up front. When an
 * {@link Observation} is current at an assignment, it gets the high-cardinality key-value
 * {@code inferlens.experiment.<experiment>=<variant>}, which tracing handlers tag on its
 * span and which never becomes a metric tag. A failing recorder or observation is logged
 * once at WARN (then at DEBUG) and does not fail the call.
 *
 * @author Inferlens
 */
public class DefaultExperiments implements Experiments {

    /**
     * Prefix of the key of the key-value that tags the current observation with the
     * variant of an experiment, followed by the experiment name.
     */
    public static final String KEY_VALUE_PREFIX = "inferlens.experiment.";

    private static final Log logger = LogFactory.getLog(DefaultExperiments.class);

    private final Map<String, Experiment> experiments;

    private final List<String> names;

    private final ObservationRegistry observationRegistry;

    private volatile boolean failureLogged;

    /**
     * Create experiments that are neither observed nor recorded beyond their own counts.
     * @param definitions the definitions of the experiments, in order
     */
    public DefaultExperiments(Collection<ExperimentDefinition> definitions) {
        this(definitions, ObservationRegistry.NOOP, ExperimentRecorder.NONE);
    }

    /**
     * Create experiments.
     * @param definitions the definitions of the experiments, in order
     * @param observationRegistry the registry whose current observation is tagged with
     * the variant of each assignment
     * @param recorder the recorder of assignments and outcomes
     * @throws IllegalArgumentException if two experiments have the same name
     */
    public DefaultExperiments(Collection<ExperimentDefinition> definitions, ObservationRegistry observationRegistry,
            ExperimentRecorder recorder) {
        Map<String, Experiment> experiments = new HashMap<>();
        List<String> names = new ArrayList<>();
        for (ExperimentDefinition definition : definitions) {
            if (experiments.putIfAbsent(definition.name(), new Experiment(definition, recorder)) != null) {
                throw new IllegalArgumentException("Experiment '" + definition.name() + "' is defined twice");
            }
            names.add(definition.name());
        }
        this.experiments = experiments;
        this.names = List.copyOf(names);
        this.observationRegistry = observationRegistry;
    }

    @Override
    public List<String> names() {
        return this.names;
    }

    @Override
    public List<String> variants(String experiment) {
        return experiment(experiment).names;
    }

    @Override
    public String assign(String experiment, String subjectKey) {
        Experiment state = experiment(experiment);
        if (subjectKey == null || subjectKey.isBlank()) {
            throw new IllegalArgumentException(
                    "Subject key of an assignment to experiment '" + experiment + "' must not be null or blank");
        }
        Variant variant = state.variantOf(subjectKey);
        variant.assignments.increment();
        try {
            Observation observation = this.observationRegistry.getCurrentObservation();
            if (observation != null) {
                observation.highCardinalityKeyValue(variant.keyValue);
            }
        }
        catch (RuntimeException ex) {
            failed(ex);
        }
        try {
            variant.recorder.assigned();
        }
        catch (RuntimeException ex) {
            failed(ex);
        }
        return variant.name;
    }

    @Override
    public void recordOutcome(String experiment, String variant, boolean success) {
        Variant state = experiment(experiment).variant(variant);
        // Outcomes before successes, read in the reverse order: results never show more
        // successes than outcomes.
        state.outcomes.increment();
        if (success) {
            state.successes.increment();
        }
        try {
            state.recorder.outcome(success);
        }
        catch (RuntimeException ex) {
            failed(ex);
        }
    }

    @Override
    public ExperimentResults results(String experiment) {
        Experiment state = experiment(experiment);
        List<VariantResult> results = new ArrayList<>(state.variants.length);
        long controlSuccesses = 0;
        long controlOutcomes = 0;
        for (int i = 0; i < state.variants.length; i++) {
            Variant variant = state.variants[i];
            long successes = variant.successes.sum();
            long outcomes = variant.outcomes.sum();
            long assignments = variant.assignments.sum();
            @Nullable Double successRate = (outcomes > 0) ? (double) successes / outcomes : null;
            @Nullable Double zScore = null;
            @Nullable Double pValue = null;
            if (i == 0) {
                controlSuccesses = successes;
                controlOutcomes = outcomes;
            }
            else {
                zScore = TwoProportionZTest.zScore(controlSuccesses, controlOutcomes, successes, outcomes);
                pValue = (zScore != null) ? TwoProportionZTest.twoSidedPValue(zScore) : null;
            }
            results.add(new VariantResult(variant.name, variant.weight, i == 0, assignments, outcomes, successes,
                    successRate, zScore, pValue));
        }
        return new ExperimentResults(state.name, results);
    }

    private Experiment experiment(@Nullable String name) {
        Experiment experiment = (name != null) ? this.experiments.get(name) : null;
        if (experiment == null) {
            throw new IllegalArgumentException("Unknown experiment '" + name + "'; "
                    + (this.names.isEmpty()
                            ? "no experiment is configured (inferlens.experiments.<name>.variants.<variant>=<weight>)"
                            : "the experiments are " + this.names));
        }
        return experiment;
    }

    private void failed(RuntimeException ex) {
        if (!this.failureLogged) {
            this.failureLogged = true;
            logger.warn("Recording an experiment event failed (further failures are logged at DEBUG)", ex);
        }
        else if (logger.isDebugEnabled()) {
            logger.debug("Recording an experiment event failed", ex);
        }
    }

    private static final class Experiment {

        private final String name;

        private final long seed;

        private final Variant[] variants;

        private final List<String> names;

        /**
         * Upper bound of {@code u} for each variant but the last, which takes the rest,
         * so that rounding in the weights leaves no gap.
         */
        private final double[] bounds;

        private final Map<String, Variant> byName = new HashMap<>();

        Experiment(ExperimentDefinition definition, ExperimentRecorder recorder) {
            this.name = definition.name();
            this.seed = SubjectHash.seed(this.name);
            Map<String, Double> weights = definition.variants();
            this.variants = new Variant[weights.size()];
            this.bounds = new double[weights.size() - 1];
            double total = weights.values().stream().mapToDouble(Double::doubleValue).sum();
            double cumulative = 0;
            int i = 0;
            for (Map.Entry<String, Double> weight : weights.entrySet()) {
                Variant variant = new Variant(weight.getKey(), weight.getValue(),
                        recorder.variant(this.name, weight.getKey()),
                        KeyValue.of(KEY_VALUE_PREFIX + this.name, weight.getKey()));
                this.variants[i] = variant;
                this.byName.put(variant.name, variant);
                cumulative += weight.getValue();
                if (i < this.bounds.length) {
                    this.bounds[i] = cumulative / total;
                }
                i++;
            }
            this.names = List.copyOf(weights.keySet());
        }

        Variant variantOf(String subjectKey) {
            double u = SubjectHash.unit(this.seed, subjectKey);
            for (int i = 0; i < this.bounds.length; i++) {
                if (u < this.bounds[i]) {
                    return this.variants[i];
                }
            }
            return this.variants[this.bounds.length];
        }

        Variant variant(@Nullable String name) {
            Variant variant = (name != null) ? this.byName.get(name) : null;
            if (variant == null) {
                throw new IllegalArgumentException("Unknown variant '" + name + "' of experiment '" + this.name
                        + "'; its variants are " + this.names);
            }
            return variant;
        }

    }

    private static final class Variant {

        private final String name;

        private final double weight;

        private final VariantRecorder recorder;

        private final KeyValue keyValue;

        private final LongAdder assignments = new LongAdder();

        private final LongAdder outcomes = new LongAdder();

        private final LongAdder successes = new LongAdder();

        Variant(String name, double weight, VariantRecorder recorder, KeyValue keyValue) {
            this.name = name;
            this.weight = weight;
            this.recorder = recorder;
            this.keyValue = keyValue;
        }

    }

}
