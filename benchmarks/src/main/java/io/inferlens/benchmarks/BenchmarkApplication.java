package io.inferlens.benchmarks;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * The application each benchmark starts: Boot's auto-configuration, as a user of the
 * starter gets it, plus a {@link CountingSpanExporter} that Boot's batch span processor
 * picks up. The {@link Work} bean is registered by the benchmark. No component scanning.
 *
 * @author Inferlens
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
public class BenchmarkApplication {

    /**
     * Name of the benchmarked operation: the span name and the timer name in every
     * variant.
     */
    public static final String OPERATION = "bench.work";

    @Bean
    CountingSpanExporter countingSpanExporter() {
        return new CountingSpanExporter();
    }

}
