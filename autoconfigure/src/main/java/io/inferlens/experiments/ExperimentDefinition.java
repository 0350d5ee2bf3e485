package io.inferlens.experiments;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The definition of an experiment: its name and the weight of each of its variants, in
 * order. The first variant is the control. An experiment has at least one variant (with a
 * single one, every subject gets it); weights are positive and sum to 1 within
 * {@value #WEIGHT_TOLERANCE}.
 *
 * @param name the name of the experiment
 * @param variants the weight of each variant, by name, in order; the first one is the
 * control
 * @author Inferlens
 */
public record ExperimentDefinition(String name, Map<String, Double> variants) {

    /**
     * How far the sum of the weights may be from 1.
     */
    public static final double WEIGHT_TOLERANCE = 1e-6;

    /**
     * Create a definition, checking that it is valid.
     * @param name the name of the experiment
     * @param variants the weight of each variant, by name, in order; the first one is the
     * control
     * @throws IllegalArgumentException if the name is blank, there is no variant, a
     * variant name is blank, a weight is not positive and finite, or the weights do not
     * sum to 1
     */
    public ExperimentDefinition {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("Experiment name must not be blank");
        }
        if (variants == null || variants.isEmpty()) {
            throw new IllegalArgumentException("Experiment '" + name + "' must have at least one variant");
        }
        double sum = 0;
        for (Map.Entry<String, Double> variant : variants.entrySet()) {
            if (variant.getKey() == null || variant.getKey().isBlank()) {
                throw new IllegalArgumentException("Variant names of experiment '" + name + "' must not be blank");
            }
            Double weight = variant.getValue();
            if (weight == null || !(weight > 0) || weight.isInfinite()) {
                throw new IllegalArgumentException("Weight of variant '" + variant.getKey() + "' of experiment '" + name
                        + "' must be positive and finite, but was " + weight);
            }
            sum += weight;
        }
        if (Math.abs(sum - 1) > WEIGHT_TOLERANCE) {
            throw new IllegalArgumentException(
                    "Weights of the variants of experiment '" + name + "' must sum to 1, but sum to " + sum);
        }
        variants = Collections.unmodifiableMap(new LinkedHashMap<>(variants));
    }

}
