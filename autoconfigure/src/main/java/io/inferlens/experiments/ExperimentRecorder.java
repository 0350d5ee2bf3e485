package io.inferlens.experiments;

/**
 * Records the assignments and outcomes of experiments beyond {@link DefaultExperiments}'
 * own counts, for example as metrics ({@link MicrometerExperimentRecorder}). Asked once
 * per variant, when the experiments are created, for the {@link VariantRecorder} that
 * then records that variant's events, so that recording does no lookup.
 *
 * @author Inferlens
 */
@FunctionalInterface
public interface ExperimentRecorder {

    /**
     * A recorder that records nothing.
     */
    ExperimentRecorder NONE = (experiment, variant) -> VariantRecorder.NONE;

    /**
     * Return the recorder of a variant of an experiment.
     * @param experiment the name of the experiment
     * @param variant the name of the variant
     * @return the recorder of the variant
     */
    VariantRecorder variant(String experiment, String variant);

}
