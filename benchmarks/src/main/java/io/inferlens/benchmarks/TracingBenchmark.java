package io.inferlens.benchmarks;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.inferlens.propagation.StrictW3CTraceContextPropagator;
import io.inferlens.tracing.RuleBasedSampler;
import io.inferlens.tracing.SamplingRule;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import org.jspecify.annotations.Nullable;
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
 * Cost of what Inferlens adds on every span and every request of tracing: the sampling
 * decision for a root span with Boot's default sampler alone and wrapped in the
 * {@link RuleBasedSampler} with three rules (the span matching the last one, and none),
 * and the extraction of an incoming {@code traceparent} with a three-member
 * {@code tracestate} by OpenTelemetry's W3C propagator alone and wrapped in the
 * {@link StrictW3CTraceContextPropagator}.
 *
 * @author Inferlens
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class TracingBenchmark {

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

    private static final Map<String, List<String>> HEADERS = Map.of("traceparent",
            List.of("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"), "tracestate",
            List.of("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE,tenant@vendor=x"));

    private static final TextMapGetter<Map<String, List<String>>> GETTER = new TextMapGetter<>() {

        @Override
        public Iterable<String> keys(Map<String, List<String>> carrier) {
            return carrier.keySet();
        }

        @Override
        public @Nullable String get(@Nullable Map<String, List<String>> carrier, String key) {
            List<String> values = (carrier != null) ? carrier.get(key) : null;
            return (values != null) ? values.get(0) : null;
        }

        @Override
        public java.util.Iterator<String> getAll(@Nullable Map<String, List<String>> carrier, String key) {
            List<String> values = (carrier != null) ? carrier.get(key) : null;
            return (values != null) ? values.iterator() : java.util.Collections.emptyIterator();
        }

    };

    private final Sampler boot = Sampler.parentBased(Sampler.traceIdRatioBased(0.1));

    private final Sampler rules = new RuleBasedSampler(List.of(new SamplingRule("routing_request", 0.01),
            new SamplingRule("http post /v1/*", 0.5), new SamplingRule("chat *", 1.0)), this.boot);

    private final TextMapPropagator otel = W3CTraceContextPropagator.getInstance();

    private final TextMapPropagator strict = new StrictW3CTraceContextPropagator(this.otel);

    @Benchmark
    public SamplingResult bootSamplerRoot() {
        return this.boot.shouldSample(Context.root(), TRACE_ID, "chat sim-large", SpanKind.CLIENT, Attributes.empty(),
                List.of());
    }

    @Benchmark
    public SamplingResult ruleSamplerRootMatchingLastRule() {
        return this.rules.shouldSample(Context.root(), TRACE_ID, "chat sim-large", SpanKind.CLIENT, Attributes.empty(),
                List.of());
    }

    @Benchmark
    public SamplingResult ruleSamplerRootMatchingNoRule() {
        return this.rules.shouldSample(Context.root(), TRACE_ID, "gateway.route", SpanKind.INTERNAL, Attributes.empty(),
                List.of());
    }

    @Benchmark
    public Context otelW3cExtract() {
        return this.otel.extract(Context.root(), HEADERS, GETTER);
    }

    @Benchmark
    public Context strictW3cExtract() {
        return this.strict.extract(Context.root(), HEADERS, GETTER);
    }

}
