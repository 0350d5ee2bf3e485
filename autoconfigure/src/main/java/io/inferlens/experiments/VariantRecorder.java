package io.inferlens.experiments;

/**
 * Records the events of one variant of an experiment. Called on the hot path and from
 * many threads at once.
 *
 * @author Inferlens
 * @see ExperimentRecorder
 */
public interface VariantRecorder {

    /**
     * A recorder that records nothing.
     */
    VariantRecorder NONE = new VariantRecorder() {

        @Override
        public void assigned() {
        }

        @Override
        public void outcome(boolean success) {
        }

    };

    /**
     * Record that a subject was assigned to the variant.
     */
    void assigned();

    /**
     * Record an outcome of the variant.
     * @param success whether the outcome is a success
     */
    void outcome(boolean success);

}
