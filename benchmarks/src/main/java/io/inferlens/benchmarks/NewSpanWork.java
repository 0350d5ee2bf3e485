package io.inferlens.benchmarks;

import io.micrometer.tracing.annotation.NewSpan;

/**
 * {@link Work} in a span of its own by Micrometer Tracing's {@link NewSpan @NewSpan},
 * with the same span name as {@link TracedWork}: a span and no timer.
 *
 * @author Inferlens
 */
public class NewSpanWork implements Work {

    @Override
    @NewSpan(BenchmarkApplication.OPERATION)
    public long work(long input) {
        return input * 31 + 7;
    }

}
