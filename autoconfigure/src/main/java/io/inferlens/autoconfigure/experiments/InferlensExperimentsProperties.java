package io.inferlens.autoconfigure.experiments;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties of Inferlens' A/B experiments, under
 * {@code inferlens.experiments.<name>}. Experiments and variants keep the order of the
 * configuration: set them in a properties or YAML file, where the order is defined, and
 * not only through environment variables, whose order is not.
 *
 * @author Inferlens
 */
@ConfigurationProperties("inferlens")
public class InferlensExperimentsProperties {

    /**
     * Experiments, by name. Each one has the weights of its variants under
     * 'variants.<variant>'; the first variant is the control.
     */
    private Map<String, Experiment> experiments = new LinkedHashMap<>();

    public Map<String, Experiment> getExperiments() {
        return this.experiments;
    }

    public void setExperiments(Map<String, Experiment> experiments) {
        this.experiments = experiments;
    }

    /**
     * An experiment.
     */
    public static class Experiment {

        /**
         * Weight of each variant, by variant name, in order. The first variant is the
         * control. Weights must be positive and sum to 1; there must be at least one
         * variant.
         */
        private Map<String, Double> variants = new LinkedHashMap<>();

        public Map<String, Double> getVariants() {
            return this.variants;
        }

        public void setVariants(Map<String, Double> variants) {
            this.variants = variants;
        }

    }

}
