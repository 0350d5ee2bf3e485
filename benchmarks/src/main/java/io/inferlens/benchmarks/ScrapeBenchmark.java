package io.inferlens.benchmarks;

import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Time to render {@code /actuator/prometheus} with 10,000 series: Micrometer's Prometheus
 * registry holding 100 counters of 100 tag values each (the most a meter keeps under
 * {@code inferlens.metrics.max-tag-values}), scraped in the Prometheus text format and in
 * OpenMetrics, as Prometheus asks for it.
 *
 * @author Inferlens
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class ScrapeBenchmark {

    private static final String OPENMETRICS = "application/openmetrics-text;version=1.0.0;charset=utf-8";

    private PrometheusMeterRegistry registry;

    @Setup
    public void register() {
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        for (int meter = 0; meter < 100; meter++) {
            for (int value = 0; value < 100; value++) {
                Counter.builder("inferlens.bench.meter" + meter)
                    .description("A counter of the scrape benchmark")
                    .tag("model", "model-" + value)
                    .tag("provider", "openai")
                    .register(this.registry)
                    .increment(value);
            }
        }
    }

    @Benchmark
    public String scrapeText() {
        return this.registry.scrape();
    }

    @Benchmark
    public String scrapeOpenMetrics() {
        return this.registry.scrape(OPENMETRICS);
    }

}
