package io.inferlens.benchmarks;

import java.util.Map;

import reactor.core.publisher.Sinks;

/**
 * Heap retained by streams that are open: {@code count} subscriptions to
 * {@link StreamingWork#open}, each fed by a unicast sink that has emitted
 * {@code received} chunks and not completed, kept referenced (sink and subscriber) while
 * the used heap is read after full collections. Memory per open stream is (used heap with
 * the streams open − used heap with none open) / {@code count}; it includes what the
 * sink, the subscriber and Reactor's operators hold, so only the difference between the
 * {@code plain} and {@code traced} variants is Inferlens'. Each of {@code repeats} rounds
 * opens the streams, measures, then completes them and measures the baseline again. Not a
 * JMH benchmark: one figure per round, printed. Run by {@code benchmarks/streaming.sh}.
 *
 * <pre>
 * java -cp ... io.inferlens.benchmarks.StreamingMemory plain|traced [count] [received] [repeats]
 * </pre>
 *
 * @author Inferlens
 */
public final class StreamingMemory {

    private StreamingMemory() {
    }

    public static void main(String[] args) throws InterruptedException {
        String variant = args[0];
        int count = (args.length > 1) ? Integer.parseInt(args[1]) : 10_000;
        int received = (args.length > 2) ? Integer.parseInt(args[2]) : 8;
        int repeats = (args.length > 3) ? Integer.parseInt(args[3]) : 3;
        Map<String, Object>[] chunks = StreamingWork.chunks(received);
        try (StreamingContext context = StreamingContext.start(variant)) {
            // the same code path as measured, run to completion, also warms it up
            context.verify((work) -> {
                OpenStream stream = new OpenStream(work);
                stream.complete(chunks);
            }, received + 1);
            StreamingWork work = context.work();
            for (int r = 1; r <= repeats; r++) {
                long baseline = usedAfterGc();
                long withOpen = openAndComplete(work, chunks, count, received);
                long after = usedAfterGc();
                System.out.printf(
                        "%nRESULT variant=%s round=%d streams=%d received=%d baseline=%d open=%d after=%d"
                                + " bytesPerStream=%.0f%n",
                        variant, r, count, received, baseline, withOpen, after, (double) (withOpen - baseline) / count);
            }
        }
    }

    /**
     * Open the streams, read the used heap, then complete them; in a method of its own so
     * that no stale local keeps them reachable once it returns.
     */
    private static long openAndComplete(StreamingWork work, Map<String, Object>[] chunks, int count, int received)
            throws InterruptedException {
        OpenStream[] open = new OpenStream[count];
        for (int i = 0; i < count; i++) {
            open[i] = new OpenStream(work);
            open[i].emit(chunks, received);
        }
        long withOpen = usedAfterGc();
        for (int i = 0; i < count; i++) {
            if (open[i].subscriber.count() != received) {
                throw new IllegalStateException(
                        "an open stream with " + received + " chunks, got " + open[i].subscriber.count());
            }
            open[i].complete(chunks);
        }
        return withOpen;
    }

    private static long usedAfterGc() throws InterruptedException {
        Runtime runtime = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, runtime.totalMemory() - runtime.freeMemory());
        }
        return used;
    }

    /**
     * One subscribed stream, fed by hand.
     */
    private static final class OpenStream {

        private final Sinks.Many<Map<String, Object>> sink = Sinks.many().unicast().onBackpressureBuffer();

        private final CountingSubscriber subscriber = new CountingSubscriber();

        private int emitted;

        OpenStream(StreamingWork work) {
            work.open(StreamingBenchmark.REQUEST, this.sink.asFlux()).subscribe(this.subscriber);
        }

        void emit(Map<String, Object>[] chunks, int until) {
            for (; this.emitted < until; this.emitted++) {
                this.sink.emitNext(chunks[this.emitted], Sinks.EmitFailureHandler.FAIL_FAST);
            }
        }

        void complete(Map<String, Object>[] chunks) {
            emit(chunks, chunks.length);
            this.sink.emitComplete(Sinks.EmitFailureHandler.FAIL_FAST);
            this.subscriber.completedCount();
        }

    }

}
