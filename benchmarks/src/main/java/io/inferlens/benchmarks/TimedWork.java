package io.inferlens.benchmarks;

import io.micrometer.core.annotation.Timed;

/**
 * {@link Work} timed by Micrometer's {@link Timed @Timed}: a timer and no span, for
 * reference.
 *
 * @author Inferlens
 */
public class TimedWork implements Work {

    @Override
    @Timed(BenchmarkApplication.OPERATION)
    public long work(long input) {
        return input * 31 + 7;
    }

}
