package io.inferlens.benchmarks;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.inferlens.benchmarks.InferenceWork.ChatRequest;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of observing a streamed model call ({@link StreamingWork}): one subscription to a
 * stream of {@code chunks} prebuilt OpenAI-shaped content chunks plus a usage chunk,
 * consumed synchronously by a {@link CountingSubscriber}, plain (Inferlens disabled, the
 * same method unproxied) or with {@code @TracedInference} (every stream sampled into a
 * {@link CountingSpanExporter}, priced). The slope between two chunk counts is the cost
 * per chunk, the intercept the fixed cost per stream. Each context verifies before
 * measuring that it is what it claims ({@link StreamingContext}). Run by
 * {@code benchmarks/streaming.sh}.
 *
 * @author Inferlens
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class StreamingBenchmark {

    static final ChatRequest REQUEST = new ChatRequest(InferenceWork.MODEL, "Say hello.");

    @Benchmark
    public long stream(StreamState state) {
        CountingSubscriber subscriber = new CountingSubscriber();
        state.work.stream(REQUEST, state.chunks).subscribe(subscriber);
        return subscriber.completedCount();
    }

    /**
     * The application of one variant and the chunks of each stream, started once per
     * trial.
     */
    @State(Scope.Benchmark)
    public static class StreamState {

        /**
         * {@code plain} or {@code traced}.
         */
        @Param({ "plain", "traced" })
        public String variant;

        /**
         * Number of content chunks; each stream also ends with a usage chunk.
         */
        @Param({ "1", "16", "256" })
        public int chunkCount;

        StreamingWork work;

        Map<String, Object>[] chunks;

        private StreamingContext context;

        @Setup(Level.Trial)
        public void start() {
            this.chunks = StreamingWork.chunks(this.chunkCount);
            this.context = StreamingContext.start(this.variant);
            this.work = this.context.work();
            this.context.verify((work) -> {
                CountingSubscriber subscriber = new CountingSubscriber();
                work.stream(REQUEST, this.chunks).subscribe(subscriber);
                if (subscriber.completedCount() != this.chunks.length) {
                    throw new IllegalStateException(
                            "a stream of " + this.chunks.length + " elements, got " + subscriber.completedCount());
                }
            }, this.chunkCount + 1);
        }

        @TearDown(Level.Trial)
        public void stop() {
            this.context.close();
        }

    }

}
