package io.inferlens.benchmarks;

import io.inferlens.annotation.Traced;

/**
 * {@link Work} observed by Inferlens' {@link Traced @Traced}.
 *
 * @author Inferlens
 */
public class TracedWork implements Work {

    @Override
    @Traced(BenchmarkApplication.OPERATION)
    public long work(long input) {
        return input * 31 + 7;
    }

}
