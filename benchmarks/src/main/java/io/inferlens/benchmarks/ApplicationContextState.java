package io.inferlens.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.inferlens.inference.InferenceCostMeter;
import io.inferlens.inference.InferenceMeterObservationHandler;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.search.Search;
import io.micrometer.observation.ObservationHandler;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

import org.springframework.aop.support.AopUtils;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * JMH state holding the Spring Boot application context of one {@link Variant}, started
 * once per trial. Before measuring, it checks that the context has what the variant
 * claims (its aspect, an advised bean, spans exported or not, a timer, and for a model
 * call the tokens and the cost) and fails the trial otherwise, so that no figure comes
 * from a misconfigured context. Subclasses hold the bean the benchmark calls, typed.
 *
 * @author Inferlens
 */
public abstract class ApplicationContextState {

    private static final int VERIFICATION_CALLS = 1_000;

    private static final double COST_TOLERANCE = 1e-9;

    private final Variant variant;

    private ConfigurableApplicationContext context;

    /**
     * Create the state of the given variant.
     * @param variant the variant
     */
    protected ApplicationContextState(Variant variant) {
        this.variant = variant;
    }

    /**
     * Start the application context and verify it.
     */
    @Setup(Level.Trial)
    public void start() {
        List<String> properties = new ArrayList<>(Variant.COMMON_PROPERTIES);
        properties.addAll(this.variant.getProperties());
        this.context = new SpringApplicationBuilder(BenchmarkApplication.class, this.variant.getBeanType())
            .web(WebApplicationType.NONE)
            .properties(properties.toArray(String[]::new))
            .run();
        bind(this.context);
        verify();
    }

    /**
     * Report what the trial exported and close the application context.
     */
    @TearDown(Level.Trial)
    public void stop() {
        try {
            flushSpans();
            log("after the trial: " + exporter().getExported() + " spans exported, timer count " + timerCount()
                    + (this.variant.isInference() ? ", cost " + inferenceTotals().cost() + " USD" : ""));
        }
        finally {
            this.context.close();
        }
    }

    /**
     * Take the bean the benchmark calls from the started context.
     * @param context the application context
     */
    protected abstract void bind(ConfigurableApplicationContext context);

    /**
     * The bean the benchmark calls, as the application context made it.
     * @return the bean
     */
    protected abstract Object bean();

    /**
     * Call the bean once, as the benchmark does.
     * @param input a value the call may use
     * @return what the call returned
     */
    protected abstract Object call(long input);

    private void verify() {
        for (Class<?> type : this.variant.getRequiredBeans()) {
            check(this.context.getBeanNamesForType(type).length == 1, "exactly one " + type.getName() + " bean");
        }
        for (Class<?> type : this.variant.getAbsentBeans()) {
            check(this.context.getBeanNamesForType(type).length == 0, "no " + type.getName() + " bean");
        }
        Object bean = bean();
        check(AopUtils.isAopProxy(bean) == this.variant.isProxied(),
                (this.variant.isProxied() ? "an advised " : "a plain ") + this.variant.getBeanType().getSimpleName()
                        + " bean, got " + bean.getClass().getName());
        long exportedBefore = exporter().getExported();
        double timedBefore = timerCount();
        InferenceTotals totalsBefore = inferenceTotals();
        for (int i = 0; i < VERIFICATION_CALLS; i++) {
            call(i);
        }
        flushSpans();
        long exported = exporter().getExported() - exportedBefore;
        double timed = timerCount() - timedBefore;
        String spanName = this.variant.isInference() ? InferenceWork.SPAN_NAME : BenchmarkApplication.OPERATION;
        if (this.variant.isSampled()) {
            check(exported == VERIFICATION_CALLS, VERIFICATION_CALLS + " spans exported, got " + exported);
            check(exporter().getNames().equals(Set.of(spanName)),
                    "spans named " + spanName + ", got " + exporter().getNames());
            if (this.variant.isInference()) {
                verifyInferenceSpan(exporter().getFirst());
            }
        }
        else {
            check(exported == 0, "no span exported, got " + exported);
        }
        String timerName = timerName();
        if (this.variant.isTimed()) {
            check(timed == VERIFICATION_CALLS,
                    "timer " + timerName + " counting " + VERIFICATION_CALLS + " calls, got " + timed);
        }
        else {
            check(timed == 0, "no timer " + timerName + ", got a count of " + timed);
        }
        String totals = "";
        if (this.variant.isInference()) {
            InferenceTotals added = inferenceTotals().minus(totalsBefore);
            verifyInferenceTotals(added);
            totals = ", " + added;
        }
        log("verified: " + bean.getClass().getSimpleName() + " (advised: " + AopUtils.isAopProxy(bean) + "), sampler "
                + this.context.getBean(Sampler.class).getDescription() + ", " + VERIFICATION_CALLS + " calls -> "
                + exported + " spans exported " + exporter().getNames() + ", timer " + timerName + " count " + timed
                + totals + ", observation handler beans "
                + this.context.getBeansOfType(ObservationHandler.class).keySet());
    }

    private void verifyInferenceSpan(@Nullable SpanData span) {
        check(span != null, "a span kept by the exporter");
        String attributes = " on span " + span.getName() + ", got " + span.getKind() + " " + span.getAttributes();
        check(span.getKind() == SpanKind.CLIENT, "a CLIENT span" + attributes);
        checkAttribute(span, AttributeKey.stringKey("gen_ai.operation.name"), InferenceWork.OPERATION, attributes);
        checkAttribute(span, AttributeKey.stringKey("gen_ai.provider.name"), InferenceWork.PROVIDER, attributes);
        checkAttribute(span, AttributeKey.stringKey("gen_ai.request.model"), InferenceWork.MODEL, attributes);
        checkAttribute(span, AttributeKey.stringKey("gen_ai.response.model"), InferenceWork.MODEL, attributes);
        checkAttribute(span, AttributeKey.longKey("gen_ai.usage.input_tokens"), InferenceWork.PROMPT_TOKENS,
                attributes);
        checkAttribute(span, AttributeKey.longKey("gen_ai.usage.output_tokens"), InferenceWork.COMPLETION_TOKENS,
                attributes);
        checkAttribute(span, AttributeKey.stringArrayKey("gen_ai.response.finish_reasons"), List.of("stop"),
                attributes);
    }

    private <T> void checkAttribute(SpanData span, AttributeKey<T> key, T expected, String attributes) {
        check(expected.equals(span.getAttributes().get(key)), key.getKey() + "=" + expected + attributes);
    }

    private void verifyInferenceTotals(InferenceTotals added) {
        check(added.inputTokens() == VERIFICATION_CALLS * InferenceWork.PROMPT_TOKENS,
                VERIFICATION_CALLS * InferenceWork.PROMPT_TOKENS + " input tokens in "
                        + InferenceMeterObservationHandler.TOKEN_USAGE + ", got " + added.inputTokens());
        check(added.outputTokens() == VERIFICATION_CALLS * InferenceWork.COMPLETION_TOKENS,
                VERIFICATION_CALLS * InferenceWork.COMPLETION_TOKENS + " output tokens in "
                        + InferenceMeterObservationHandler.TOKEN_USAGE + ", got " + added.outputTokens());
        double expectedCost = VERIFICATION_CALLS * InferenceWork.COST_PER_CALL;
        check(Math.abs(added.cost() - expectedCost) < COST_TOLERANCE,
                expectedCost + " USD in " + InferenceCostMeter.COST + ", got " + added.cost());
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

    private String timerName() {
        return this.variant.isInference() ? InferenceMeterObservationHandler.DURATION : BenchmarkApplication.OPERATION;
    }

    private double timerCount() {
        Timer timer = this.variant.isInference()
                ? inferenceMeters(InferenceMeterObservationHandler.DURATION).tag("error.type", "").timer()
                : registry().find(BenchmarkApplication.OPERATION).timer();
        return (timer != null) ? timer.count() : 0;
    }

    private InferenceTotals inferenceTotals() {
        if (!this.variant.isInference()) {
            return new InferenceTotals(0, 0, 0);
        }
        DistributionSummary input = inferenceMeters(InferenceMeterObservationHandler.TOKEN_USAGE)
            .tag("gen_ai.token.type", "input")
            .summary();
        DistributionSummary output = inferenceMeters(InferenceMeterObservationHandler.TOKEN_USAGE)
            .tag("gen_ai.token.type", "output")
            .summary();
        Counter cost = registry().find(InferenceCostMeter.COST)
            .tag("gen_ai.request.model", InferenceWork.MODEL)
            .tag("gen_ai.provider.name", InferenceWork.PROVIDER)
            .counter();
        return new InferenceTotals((input != null) ? input.totalAmount() : 0,
                (output != null) ? output.totalAmount() : 0, (cost != null) ? cost.count() : 0);
    }

    /**
     * Meters of the benchmarked model call: its operation, provider, and the model read
     * from the request and from the response.
     */
    private Search inferenceMeters(String name) {
        return registry().find(name)
            .tag("gen_ai.operation.name", InferenceWork.OPERATION)
            .tag("gen_ai.provider.name", InferenceWork.PROVIDER)
            .tag("gen_ai.request.model", InferenceWork.MODEL)
            .tag("gen_ai.response.model", InferenceWork.MODEL);
    }

    private MeterRegistry registry() {
        return this.context.getBean(MeterRegistry.class);
    }

    private void check(boolean condition, String expectation) {
        if (!condition) {
            throw new IllegalStateException(
                    "Benchmark context of " + this.variant + " is not what it claims: expected " + expectation);
        }
    }

    private void log(String message) {
        // On a line of its own: JMH has already printed the start of an iteration line.
        System.out.println(System.lineSeparator() + "[" + this.variant + "] " + message);
    }

    /**
     * Tokens and cost recorded for the benchmarked model call.
     *
     * @param inputTokens the input tokens
     * @param outputTokens the output tokens
     * @param cost the cost in US dollars
     */
    private record InferenceTotals(double inputTokens, double outputTokens, double cost) {

        InferenceTotals minus(InferenceTotals other) {
            return new InferenceTotals(this.inputTokens - other.inputTokens, this.outputTokens - other.outputTokens,
                    this.cost - other.cost);
        }

        @Override
        public String toString() {
            return "tokens " + this.inputTokens + " in / " + this.outputTokens + " out, cost " + this.cost + " USD";
        }

    }

}
