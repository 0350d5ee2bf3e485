package io.inferlens.spring.actuate;

import java.util.ArrayList;
import java.util.List;

import io.inferlens.experiments.ExperimentResults;
import io.inferlens.experiments.Experiments;
import io.inferlens.experiments.VariantResult;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;

/**
 * What the {@code inferlens} endpoint answers about A/B experiments: each variant's
 * results and its test against the control.
 *
 * @author Inferlens
 */
public final class ExperimentDescriptors {

    private ExperimentDescriptors() {
    }

    /**
     * Every experiment's results.
     * @param experiments the experiments
     * @return the results
     */
    public static List<Experiment> experiments(Experiments experiments) {
        List<Experiment> result = new ArrayList<>();
        for (String name : experiments.names()) {
            result.add(Experiment.of(experiments.results(name)));
        }
        return result;
    }

    /**
     * One experiment's results.
     * @param experiments the experiments
     * @param name the experiment's name
     * @return the results, or {@code null} if there is no such experiment
     */
    public static @Nullable Experiment experiment(Experiments experiments, String name) {
        return experiments.names().contains(name) ? Experiment.of(experiments.results(name)) : null;
    }

    /**
     * The experiments.
     *
     * @param experiments the experiments
     */
    public record ExperimentList(List<Experiment> experiments) implements OperationResponseBody {

    }

    /**
     * The results of one experiment.
     *
     * @param name its name
     * @param variants its variants, the control first
     */
    public record Experiment(String name, List<VariantResult> variants) implements OperationResponseBody {

        static Experiment of(ExperimentResults results) {
            return new Experiment(results.experiment(), results.variants());
        }

    }

}
