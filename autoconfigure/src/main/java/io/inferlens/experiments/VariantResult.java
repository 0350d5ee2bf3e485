package io.inferlens.experiments;

import org.jspecify.annotations.Nullable;

/**
 * The results of one variant of an experiment. Counts are totals since the start of the
 * application. Statistics that are undefined, such as the success rate of a variant
 * without outcomes, are {@code null} rather than {@code NaN}, so that they serialize to
 * JSON as {@code null}.
 *
 * @param name the name of the variant
 * @param weight the weight of the variant, the share of subjects assigned to it
 * @param control whether the variant is the control, the first variant of the experiment
 * @param assignments how many times a subject was assigned to the variant (each call to
 * {@link Experiments#assign} counts, so a subject assigned twice counts twice)
 * @param outcomes how many outcomes were recorded for the variant
 * @param successes how many of the outcomes were successes
 * @param successRate {@code successes / outcomes}, or {@code null} without outcomes
 * @param zScore the z statistic of the two-proportion z-test of the variant's success
 * rate against the control's (positive when the variant does better), or {@code null} for
 * the control and when undefined: no outcomes in either variant, or a pooled success rate
 * of 0 or 1
 * @param pValue the two-sided p-value of that test, or {@code null} when {@code zScore}
 * is
 * @author Inferlens
 */
public record VariantResult(String name, double weight, boolean control, long assignments, long outcomes,
        long successes, @Nullable Double successRate, @Nullable Double zScore, @Nullable Double pValue) {

}
