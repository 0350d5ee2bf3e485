package io.inferlens.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.observation.ObservationHandler;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.samplers.Sampler;
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
 * claims (its aspect, an advised bean, spans exported or not, a timer) and fails the
 * trial otherwise, so that no figure comes from a misconfigured context.
 *
 * @author Inferlens
 */
public abstract class ApplicationContextState {

    private static final int VERIFICATION_CALLS = 1_000;

    private final Variant variant;

    private ConfigurableApplicationContext context;

    /**
     * The bean to call, as the application context made it.
     */
    Work work;

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
        this.context = new SpringApplicationBuilder(BenchmarkApplication.class, this.variant.getWorkType())
            .web(WebApplicationType.NONE)
            .properties(properties.toArray(String[]::new))
            .run();
        this.work = this.context.getBean(Work.class);
        verify();
    }

    /**
     * Report what the trial exported and close the application context.
     */
    @TearDown(Level.Trial)
    public void stop() {
        try {
            flushSpans();
            log("after the trial: " + exporter().getExported() + " spans exported, timer count " + timerCount());
        }
        finally {
            this.context.close();
        }
    }

    private void verify() {
        for (Class<?> type : this.variant.getRequiredBeans()) {
            check(this.context.getBeanNamesForType(type).length == 1, "exactly one " + type.getName() + " bean");
        }
        for (Class<?> type : this.variant.getAbsentBeans()) {
            check(this.context.getBeanNamesForType(type).length == 0, "no " + type.getName() + " bean");
        }
        check(AopUtils.isAopProxy(this.work) == this.variant.isProxied(),
                (this.variant.isProxied() ? "an advised " : "a plain ") + "Work bean, got "
                        + this.work.getClass().getName());
        long exportedBefore = exporter().getExported();
        double timedBefore = timerCount();
        for (int i = 0; i < VERIFICATION_CALLS; i++) {
            this.work.work(i);
        }
        flushSpans();
        long exported = exporter().getExported() - exportedBefore;
        double timed = timerCount() - timedBefore;
        if (this.variant.isSampled()) {
            check(exported == VERIFICATION_CALLS, VERIFICATION_CALLS + " spans exported, got " + exported);
            check(exporter().getNames().equals(Set.of(BenchmarkApplication.OPERATION)),
                    "spans named " + BenchmarkApplication.OPERATION + ", got " + exporter().getNames());
        }
        else {
            check(exported == 0, "no span exported, got " + exported);
        }
        if (this.variant.isTimed()) {
            check(timed == VERIFICATION_CALLS, "timer " + BenchmarkApplication.OPERATION + " counting "
                    + VERIFICATION_CALLS + " calls, got " + timed);
        }
        else {
            check(timed == 0, "no timer " + BenchmarkApplication.OPERATION + ", got a count of " + timed);
        }
        log("verified: " + this.work.getClass().getSimpleName() + " (advised: " + AopUtils.isAopProxy(this.work)
                + "), sampler " + this.context.getBean(Sampler.class).getDescription() + ", " + VERIFICATION_CALLS
                + " calls -> " + exported + " spans exported " + exporter().getNames() + ", timer count " + timed
                + ", observation handler beans " + this.context.getBeansOfType(ObservationHandler.class).keySet());
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

    private double timerCount() {
        Timer timer = this.context.getBean(MeterRegistry.class).find(BenchmarkApplication.OPERATION).timer();
        return (timer != null) ? timer.count() : 0;
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

}
