package io.inferlens.experiments;

import java.util.List;

/**
 * The results of an experiment: one {@link VariantResult} per variant, in the order the
 * variants were configured, the control first.
 *
 * @param experiment the name of the experiment
 * @param variants the results of the variants, the control first
 * @author Inferlens
 */
public record ExperimentResults(String experiment, List<VariantResult> variants) {

    /**
     * Create results.
     * @param experiment the name of the experiment
     * @param variants the results of the variants, the control first
     */
    public ExperimentResults {
        variants = List.copyOf(variants);
    }

    /**
     * Return the results of the control, the first variant.
     * @return the results of the control
     */
    public VariantResult control() {
        return this.variants.get(0);
    }

    /**
     * Return the results of a variant.
     * @param name the name of the variant
     * @return its results
     * @throws IllegalArgumentException if the experiment has no such variant
     */
    public VariantResult variant(String name) {
        for (VariantResult variant : this.variants) {
            if (variant.name().equals(name)) {
                return variant;
            }
        }
        throw new IllegalArgumentException("Unknown variant '" + name + "' of experiment '" + this.experiment
                + "'; its variants are " + this.variants.stream().map(VariantResult::name).toList());
    }

}
