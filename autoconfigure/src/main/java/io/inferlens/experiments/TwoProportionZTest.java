package io.inferlens.experiments;

import org.jspecify.annotations.Nullable;

/**
 * The two-proportion z-test with a pooled standard error, which compares the success rate
 * of a variant with the control's, and the two-sided p-value of its statistic from the
 * normal distribution.
 *
 * @author Inferlens
 */
final class TwoProportionZTest {

    private static final double SQRT_2 = Math.sqrt(2);

    private static final double SQRT_PI = Math.sqrt(Math.PI);

    private static final double TWO_OVER_SQRT_PI = 2 / SQRT_PI;

    private TwoProportionZTest() {
    }

    /**
     * Return the z statistic of the variant's success rate against the control's,
     * positive when the variant's is higher, or {@code null} when the test is undefined:
     * either has no outcomes, or the pooled rate is 0 or 1.
     */
    static @Nullable Double zScore(long controlSuccesses, long controlOutcomes, long successes, long outcomes) {
        if (controlOutcomes == 0 || outcomes == 0) {
            return null;
        }
        double pooled = (double) (controlSuccesses + successes) / (controlOutcomes + outcomes);
        if (pooled <= 0 || pooled >= 1) {
            return null;
        }
        double standardError = Math.sqrt(pooled * (1 - pooled) * (1.0 / controlOutcomes + 1.0 / outcomes));
        return ((double) successes / outcomes - (double) controlSuccesses / controlOutcomes) / standardError;
    }

    /**
     * Return the two-sided p-value of a z statistic: {@code P(|Z| >= |z|)} for a standard
     * normal {@code Z}, that is {@code erfc(|z| / sqrt(2))}.
     */
    static double twoSidedPValue(double z) {
        return erfc(Math.abs(z) / SQRT_2);
    }

    /**
     * Return the complementary error function, with a relative error below 1e-12: from
     * the series of erf with positive terms, {@code erf(x) = 2/sqrt(pi) exp(-x^2)
     * sum(2^n x^(2n+1) / (1*3*...*(2n+1)))}, below 2, and from its Laplace continued
     * fraction, {@code erfc(x) = exp(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x +
     * ...))))} evaluated by the modified Lentz method, from 2 (Abramowitz and Stegun
     * 7.1.6 and 7.1.14). Each needs at most about 60 terms there.
     */
    static double erfc(double x) {
        if (x < 0) {
            return 2 - erfc(-x);
        }
        if (x < 2) {
            double term = x;
            double sum = x;
            for (int n = 1; term > sum * 1e-17; n++) {
                term *= 2 * x * x / (2 * n + 1);
                sum += term;
            }
            return 1 - TWO_OVER_SQRT_PI * Math.exp(-x * x) * sum;
        }
        double fraction = x;
        double c = x;
        double d = 0;
        for (int n = 1; n <= 500; n++) {
            double a = n / 2.0;
            d = 1 / (x + a * d);
            c = x + a / c;
            double delta = c * d;
            fraction *= delta;
            if (Math.abs(delta - 1) <= 2.3e-16) {
                break;
            }
        }
        return Math.exp(-x * x) / SQRT_PI / fraction;
    }

}
