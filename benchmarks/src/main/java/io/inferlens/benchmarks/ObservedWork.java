package io.inferlens.benchmarks;

import io.micrometer.observation.annotation.Observed;

/**
 * {@link Work} observed by Micrometer's {@link Observed @Observed}, with the same
 * observation and span name as {@link TracedWork}.
 *
 * @author Inferlens
 */
public class ObservedWork implements Work {

    @Override
    @Observed(name = BenchmarkApplication.OPERATION, contextualName = BenchmarkApplication.OPERATION)
    public long work(long input) {
        return input * 31 + 7;
    }

}
