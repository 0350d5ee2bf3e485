package io.inferlens.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.inferlens.inference.InferenceCostMeter;
import io.inferlens.inference.InferenceMeterObservationHandler;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;

import org.springframework.aop.support.AopUtils;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The application context of a streaming variant: {@code plain} ({@link StreamingWork}
 * with Inferlens disabled, unproxied) or {@code traced} ({@code @TracedInference}, every
 * stream sampled into a {@link CountingSpanExporter}, the model priced). Before anything
 * is measured, {@link #verify} checks that each stream produced exactly what the variant
 * claims (a span with the stream's attributes, the duration, time to first chunk, time
 * per output chunk and token histograms, the cost) or nothing at all.
 *
 * @author Inferlens
 */
final class StreamingContext implements AutoCloseable {

    private static final int VERIFICATION_STREAMS = 1_000;

    private final String variant;

    private final boolean traced;

    private final ConfigurableApplicationContext context;

    private final StreamingWork work;

    private StreamingContext(String variant) {
        if (!"plain".equals(variant) && !"traced".equals(variant)) {
            throw new IllegalArgumentException("variant plain or traced, got " + variant);
        }
        this.variant = variant;
        this.traced = "traced".equals(variant);
        List<String> properties = new ArrayList<>(Variant.COMMON_PROPERTIES);
        properties.add("management.tracing.sampling.probability=1.0");
        properties.addAll(InferenceWork.PRICING_PROPERTIES);
        if (!this.traced) {
            properties.add("inferlens.enabled=false");
        }
        this.context = new SpringApplicationBuilder(BenchmarkApplication.class, StreamingWork.class)
            .web(WebApplicationType.NONE)
            .properties(properties.toArray(String[]::new))
            .run();
        this.work = this.context.getBean(StreamingWork.class);
    }

    static StreamingContext start(String variant) {
        return new StreamingContext(variant);
    }

    StreamingWork work() {
        return this.work;
    }

    /**
     * Run a stream {@value #VERIFICATION_STREAMS} times and check what the context
     * recorded, failing if it is not what the variant claims.
     * @param stream runs one stream to its end
     * @param elements number of elements of each stream
     */
    void verify(Consumer<StreamingWork> stream, int elements) {
        check(AopUtils.isAopProxy(this.work) == this.traced, (this.traced ? "an advised" : "a plain")
                + " StreamingWork bean, got " + this.work.getClass().getName());
        Totals before = totals();
        long exportedBefore = exporter().getExported();
        for (int i = 0; i < VERIFICATION_STREAMS; i++) {
            stream.accept(this.work);
        }
        flushSpans();
        Totals added = totals().minus(before);
        long exported = exporter().getExported() - exportedBefore;
        int n = this.traced ? VERIFICATION_STREAMS : 0;
        check(exported == n, n + " spans exported, got " + exported);
        check(added.durations == n, n + " durations, got " + added.durations);
        check(added.firstChunks == n, n + " times to first chunk, got " + added.firstChunks);
        check(added.chunkIntervals == (long) n * (elements - 1),
                (long) n * (elements - 1) + " times per output chunk, got " + added.chunkIntervals);
        check(added.inputTokens == n * InferenceWork.PROMPT_TOKENS,
                n * InferenceWork.PROMPT_TOKENS + " input tokens, got " + added.inputTokens);
        check(added.outputTokens == n * InferenceWork.COMPLETION_TOKENS,
                n * InferenceWork.COMPLETION_TOKENS + " output tokens, got " + added.outputTokens);
        check(Math.abs(added.cost - n * InferenceWork.COST_PER_CALL) < 1e-9,
                n * InferenceWork.COST_PER_CALL + " USD, got " + added.cost);
        if (this.traced) {
            SpanData span = exporter().getFirst();
            check(span != null && span.getKind() == SpanKind.CLIENT && InferenceWork.SPAN_NAME.equals(span.getName())
                    && Long.valueOf(InferenceWork.PROMPT_TOKENS)
                        .equals(span.getAttributes().get(AttributeKey.longKey("gen_ai.usage.input_tokens")))
                    && Long.valueOf(InferenceWork.COMPLETION_TOKENS)
                        .equals(span.getAttributes().get(AttributeKey.longKey("gen_ai.usage.output_tokens")))
                    && InferenceWork.MODEL
                        .equals(span.getAttributes().get(AttributeKey.stringKey("gen_ai.response.model")))
                    && List.of("stop")
                        .equals(span.getAttributes()
                            .get(AttributeKey.stringArrayKey("gen_ai.response.finish_reasons"))),
                    "a CLIENT span " + InferenceWork.SPAN_NAME
                            + " with the stream's tokens, model and finish reason, got " + ((span != null)
                                    ? span.getName() + " " + span.getKind() + " " + span.getAttributes() : "none"));
        }
        log("verified: " + this.work.getClass().getSimpleName() + " (advised: " + AopUtils.isAopProxy(this.work) + "), "
                + VERIFICATION_STREAMS + " streams of " + elements + " elements -> " + exported + " spans, " + added);
    }

    @Override
    public void close() {
        try {
            flushSpans();
            log("closing: " + exporter().getExported() + " spans exported in all, " + totals());
        }
        finally {
            this.context.close();
        }
    }

    private Totals totals() {
        MeterRegistry registry = this.context.getBean(MeterRegistry.class);
        long durations = 0;
        for (Timer timer : registry.find(InferenceMeterObservationHandler.DURATION).timers()) {
            durations += timer.count();
        }
        long firstChunks = 0;
        for (Timer timer : registry.find(InferenceMeterObservationHandler.TIME_TO_FIRST_CHUNK).timers()) {
            firstChunks += timer.count();
        }
        long chunkIntervals = 0;
        for (Timer timer : registry.find(InferenceMeterObservationHandler.TIME_PER_OUTPUT_CHUNK).timers()) {
            chunkIntervals += timer.count();
        }
        DistributionSummary input = registry.find(InferenceMeterObservationHandler.TOKEN_USAGE)
            .tag("gen_ai.token.type", "input")
            .summary();
        DistributionSummary output = registry.find(InferenceMeterObservationHandler.TOKEN_USAGE)
            .tag("gen_ai.token.type", "output")
            .summary();
        Counter cost = registry.find(InferenceCostMeter.COST).counter();
        return new Totals(durations, firstChunks, chunkIntervals, (input != null) ? (long) input.totalAmount() : 0,
                (output != null) ? (long) output.totalAmount() : 0, (cost != null) ? cost.count() : 0);
    }

    private void flushSpans() {
        CompletableResultCode result = this.context.getBean(SdkTracerProvider.class)
            .forceFlush()
            .join(10, TimeUnit.SECONDS);
        check(result.isSuccess(), "spans flushed within 10s");
    }

    private CountingSpanExporter exporter() {
        return this.context.getBean(CountingSpanExporter.class);
    }

    private void check(boolean condition, String expectation) {
        if (!condition) {
            throw new IllegalStateException(
                    "Streaming context " + this.variant + " is not what it claims: expected " + expectation);
        }
    }

    private void log(String message) {
        System.out.println(System.lineSeparator() + "[streaming " + this.variant + "] " + message);
    }

    private record Totals(long durations, long firstChunks, long chunkIntervals, long inputTokens, long outputTokens,
            double cost) {

        Totals minus(Totals other) {
            return new Totals(this.durations - other.durations, this.firstChunks - other.firstChunks,
                    this.chunkIntervals - other.chunkIntervals, this.inputTokens - other.inputTokens,
                    this.outputTokens - other.outputTokens, this.cost - other.cost);
        }

    }

}
