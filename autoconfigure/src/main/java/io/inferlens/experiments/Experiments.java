package io.inferlens.experiments;

import java.util.List;

/**
 * A/B experiments: assigns subjects to the variants of an experiment and compares the
 * outcomes of each variant with those of the control, the first variant. An assignment is
 * sticky and deterministic: the same subject of the same experiment always gets the same
 * variant, in every instance and after restarts, as long as the experiment's variants and
 * weights are unchanged.
 * <p>
 * Unknown experiments and variants are errors, never ignored: the methods throw an
 * {@link IllegalArgumentException} naming them.
 *
 * @author Inferlens
 * @see DefaultExperiments
 */
public interface Experiments {

    /**
     * Return the names of the experiments, in the order they were configured.
     * @return the names of the experiments
     */
    List<String> names();

    /**
     * Return the variants of an experiment, in the order they were configured; the first
     * one is the control.
     * @param experiment the name of the experiment
     * @return the names of its variants
     * @throws IllegalArgumentException if the experiment is unknown
     */
    List<String> variants(String experiment);

    /**
     * Assign a subject to a variant of an experiment and return the variant. Each call
     * counts as one assignment.
     * @param experiment the name of the experiment
     * @param subjectKey the key of the subject, such as a user or conversation id
     * @return the name of the subject's variant
     * @throws IllegalArgumentException if the experiment is unknown or the subject key is
     * null or blank
     */
    String assign(String experiment, String subjectKey);

    /**
     * Record the outcome of an assignment to a variant of an experiment.
     * @param experiment the name of the experiment
     * @param variant the name of the variant
     * @param success whether the outcome is a success
     * @throws IllegalArgumentException if the experiment or the variant is unknown
     */
    void recordOutcome(String experiment, String variant, boolean success);

    /**
     * Return the results of an experiment so far: the counts of each variant and, for
     * every variant but the control, how significant its difference from the control is.
     * @param experiment the name of the experiment
     * @return the results
     * @throws IllegalArgumentException if the experiment is unknown
     */
    ExperimentResults results(String experiment);

}
