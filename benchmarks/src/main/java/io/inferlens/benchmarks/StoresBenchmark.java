package io.inferlens.benchmarks;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import io.inferlens.errors.DefaultErrorTracker;
import io.inferlens.errors.ErrorContext;
import io.inferlens.errors.RecentErrors;
import io.inferlens.logs.InMemoryTraceLogStore;
import io.inferlens.logs.LogLevel;
import io.inferlens.logs.LogbackTraceLogAppender;
import io.inferlens.logs.TraceLogEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Cost of the stores on application threads: appending a log event to the per-trace log
 * store (1,000 traces kept, events spread over 4,096 trace ids, so evictions included); a
 * Logback INFO call with a trace id in the MDC, with no appender and with Inferlens'
 * trace-log appender (store of 1,000 traces, all lines in one trace, so the trace's ring
 * buffer is full and drops its oldest line), whose difference is the appender's cost; and
 * capturing an exception (fingerprint, counter, store of recent errors), with the ERROR
 * log line switched off so that console I/O is not measured.
 *
 * @author Inferlens
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class StoresBenchmark {

    private static final int TRACE_IDS = 4096;

    private int next;

    @Benchmark
    public void traceLogAppend(TraceLogState state) {
        state.store.append(state.events[this.next++ & (TRACE_IDS - 1)]);
    }

    @Benchmark
    public void logbackInfoNoAppender(LogbackState state) {
        state.bare.info("Routed request to {}", "sim-large");
    }

    @Benchmark
    public void logbackInfoTraceLogAppender(LogbackState state) {
        state.traced.info("Routed request to {}", "sim-large");
    }

    @Benchmark
    public boolean errorCapture(ErrorState state) {
        PrebuiltException error = new PrebuiltException(state.stacks[this.next++ & 3]);
        return state.tracker.captureException(error, ErrorContext.of("gateway.route").withTrace("trace", "span"));
    }

    /**
     * A store and prebuilt events over {@value #TRACE_IDS} trace ids.
     */
    @State(Scope.Benchmark)
    public static class TraceLogState {

        final InMemoryTraceLogStore store = new InMemoryTraceLogStore(1000, 50, 500, LogLevel.INFO);

        final TraceLogEvent[] events = new TraceLogEvent[TRACE_IDS];

        @Setup
        public void setUp() {
            Instant now = Instant.now();
            for (int i = 0; i < TRACE_IDS; i++) {
                String traceId = String.format("%032x", i + 1);
                this.events[i] = new TraceLogEvent(now, LogLevel.INFO, "io.inferlens.sample.ChatRouter", "http-nio-1",
                        "Routed request to sim-large", traceId, "00f067aa0ba902b7", null, null, Map.of());
            }
        }

    }

    /**
     * Two loggers with a trace id in the MDC of the benchmark thread: one logging to no
     * appender, one to the trace-log appender.
     */
    @State(Scope.Thread)
    public static class LogbackState {

        final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();

        Logger bare;

        Logger traced;

        @Setup
        public void setUp() {
            MDC.put("traceId", "4bf92f3577b34da6a3ce929d0e0e4736");
            MDC.put("spanId", "00f067aa0ba902b7");
            this.bare = this.context.getLogger("bare");
            this.bare.setAdditive(false);
            this.bare.setLevel(Level.INFO);
            this.traced = this.context.getLogger("traced");
            this.traced.setAdditive(false);
            this.traced.setLevel(Level.INFO);
            LogbackTraceLogAppender appender = new LogbackTraceLogAppender(
                    new InMemoryTraceLogStore(1000, 50, 500, LogLevel.INFO));
            appender.setContext(this.context);
            appender.start();
            this.traced.addAppender(appender);
        }

        @TearDown
        public void tearDown() {
            MDC.clear();
        }

    }

    /**
     * A tracker with a meter registry and a store, its log line off.
     */
    @State(Scope.Benchmark)
    public static class ErrorState {

        DefaultErrorTracker tracker;

        final StackTraceElement[][] stacks = new StackTraceElement[4][];

        @Setup
        public void setUp() {
            ((Logger) LoggerFactory.getLogger("io.inferlens.errors")).setLevel(Level.OFF);
            this.tracker = DefaultErrorTracker.builder(new RecentErrors(100, 10))
                .meterRegistry(new SimpleMeterRegistry())
                .build();
            StackTraceElement[] stack = new Throwable().getStackTrace();
            for (int i = 0; i < this.stacks.length; i++) {
                StackTraceElement[] copy = new StackTraceElement[stack.length + 2];
                copy[0] = new StackTraceElement("org.springframework.web.client.RestClient", "retrieve",
                        "RestClient.java", 100);
                copy[1] = new StackTraceElement("com.example.gateway.ModelClient", "complete", "ModelClient.java",
                        40 + i);
                System.arraycopy(stack, 0, copy, 2, stack.length);
                this.stacks[i] = copy;
            }
        }

    }

    /**
     * An exception with a prebuilt stack trace, so that the benchmark measures the
     * capture, not the JVM's stack walk.
     */
    static final class PrebuiltException extends RuntimeException {

        PrebuiltException(StackTraceElement[] stack) {
            super("backend answered 502");
            setStackTrace(stack);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }

    }

}
