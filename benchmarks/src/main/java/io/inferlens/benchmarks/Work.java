package io.inferlens.benchmarks;

/**
 * The trivial unit of work each benchmark calls on a bean, so that what is measured is
 * the instrumentation around the call. Every implementation has the same body and differs
 * only in its annotation.
 *
 * @author Inferlens
 */
public interface Work {

    /**
     * Do the work.
     * @param input a value the result is derived from, so the call cannot be eliminated
     * @return a value derived from the input
     */
    long work(long input);

}
