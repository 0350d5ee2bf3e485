package io.inferlens.benchmarks;

/**
 * {@link Work} with no annotation: the baseline.
 *
 * @author Inferlens
 */
public class PlainWork implements Work {

    @Override
    public long work(long input) {
        return input * 31 + 7;
    }

}
