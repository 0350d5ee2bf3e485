package io.inferlens.benchmarks;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Per-call cost of a trivial bean method: plain, under {@code @Traced} unsampled and
 * sampled, under Micrometer's {@code @Observed} sampled, and under {@code @Timed}; and of
 * a model call that returns a prebuilt response, under {@code @TracedInference} unsampled
 * and sampled, token extraction and cost included. Each benchmark uses its own state,
 * hence its own application context. Sampled spans go to a {@link CountingSpanExporter}
 * through Boot's batch span processor.
 *
 * @author Inferlens
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class AnnotationOverheadBenchmark {

    // Not final, so that the JIT cannot fold the call into a constant.
    private long input = 42;

    private InferenceWork.ChatRequest request = new InferenceWork.ChatRequest(InferenceWork.MODEL, "Say hello.");

    @Benchmark
    public long plain(PlainState state) {
        return state.work.work(this.input);
    }

    @Benchmark
    public long tracedUnsampled(TracedUnsampledState state) {
        return state.work.work(this.input);
    }

    @Benchmark
    public long tracedSampled(TracedSampledState state) {
        return state.work.work(this.input);
    }

    @Benchmark
    public long observedSampled(ObservedSampledState state) {
        return state.work.work(this.input);
    }

    @Benchmark
    public long newSpanSampled(NewSpanSampledState state) {
        return state.work.work(this.input);
    }

    @Benchmark
    public long timed(TimedState state) {
        return state.work.work(this.input);
    }

    @Benchmark
    public InferenceWork.ChatResponse inferenceUnsampled(InferenceUnsampledState state) {
        return state.inference.chat(this.request);
    }

    @Benchmark
    public InferenceWork.ChatResponse inferenceSampled(InferenceSampledState state) {
        return state.inference.chat(this.request);
    }

    /**
     * Context of {@link Variant#PLAIN}.
     */
    @State(Scope.Benchmark)
    public static class PlainState extends WorkContextState {

        public PlainState() {
            super(Variant.PLAIN);
        }

    }

    /**
     * Context of {@link Variant#TRACED_UNSAMPLED}.
     */
    @State(Scope.Benchmark)
    public static class TracedUnsampledState extends WorkContextState {

        public TracedUnsampledState() {
            super(Variant.TRACED_UNSAMPLED);
        }

    }

    /**
     * Context of {@link Variant#TRACED_SAMPLED}.
     */
    @State(Scope.Benchmark)
    public static class TracedSampledState extends WorkContextState {

        public TracedSampledState() {
            super(Variant.TRACED_SAMPLED);
        }

    }

    /**
     * Context of {@link Variant#OBSERVED_SAMPLED}.
     */
    @State(Scope.Benchmark)
    public static class ObservedSampledState extends WorkContextState {

        public ObservedSampledState() {
            super(Variant.OBSERVED_SAMPLED);
        }

    }

    /**
     * Context of {@link Variant#NEW_SPAN_SAMPLED}.
     */
    @State(Scope.Benchmark)
    public static class NewSpanSampledState extends WorkContextState {

        public NewSpanSampledState() {
            super(Variant.NEW_SPAN_SAMPLED);
        }

    }

    /**
     * Context of {@link Variant#TIMED}.
     */
    @State(Scope.Benchmark)
    public static class TimedState extends WorkContextState {

        public TimedState() {
            super(Variant.TIMED);
        }

    }

    /**
     * Context of {@link Variant#INFERENCE_UNSAMPLED}.
     */
    @State(Scope.Benchmark)
    public static class InferenceUnsampledState extends InferenceContextState {

        public InferenceUnsampledState() {
            super(Variant.INFERENCE_UNSAMPLED);
        }

    }

    /**
     * Context of {@link Variant#INFERENCE_SAMPLED}.
     */
    @State(Scope.Benchmark)
    public static class InferenceSampledState extends InferenceContextState {

        public InferenceSampledState() {
            super(Variant.INFERENCE_SAMPLED);
        }

    }

}
