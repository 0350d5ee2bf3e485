package io.inferlens.sample.minimal;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.inferlens.annotation.Traced;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.util.ClassUtils;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A user's application with nothing but the starter, a web server and one {@code @Traced}
 * method: the method's timer is on {@code /actuator/prometheus} with no Inferlens
 * configuration at all.
 *
 * @author Inferlens
 */
@SpringBootTest(classes = StarterOnlyIntegrationTests.UserApplication.class,
        webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "server.address=127.0.0.1", "management.endpoints.web.exposure.include=prometheus" })
@AutoConfigureMetrics
class StarterOnlyIntegrationTests {

    @LocalServerPort
    private int port;

    @Autowired
    private Work work;

    @Autowired
    private Tracer tracer;

    @Autowired
    private List<MeterRegistry> meterRegistries;

    @Test
    void tracedMethodTimerIsOnPrometheus() {
        long before = countOnPrometheus();
        this.work.run();
        this.work.run();
        assertThat(countOnPrometheus()).isEqualTo(before + 2);
        String scrape = scrape();
        assertThat(scrape).containsPattern("(?m)^demo_work_seconds_sum\\{[^}]*error_type=\"\"");
        assertThat(scrape).containsPattern("(?m)^demo_work_seconds_max\\{[^}]*error_type=\"\"");
    }

    private long countOnPrometheus() {
        Matcher matcher = Pattern.compile("(?m)^demo_work_seconds_count\\{[^}]*error_type=\"\"[^}]*\\} (\\d+)")
            .matcher(scrape());
        return matcher.find() ? Long.parseLong(matcher.group(1)) : 0;
    }

    private String scrape() {
        return RestClient.create("http://127.0.0.1:" + this.port)
            .get()
            .uri("/actuator/prometheus")
            .retrieve()
            .body(String.class);
    }

    @Test
    void starterBringsNoOtlpMetricsRegistrySoNothingIsPushedUnasked() {
        assertThat(ClassUtils.isPresent("io.micrometer.registry.otlp.OtlpMeterRegistry", null)).isFalse();
        assertThat(this.meterRegistries).noneMatch((registry) -> registry.getClass().getName().contains("Otlp"));
    }

    @Test
    void callerSpanAndLogContextAreRestoredAfterTheCall() {
        Span caller = this.tracer.nextSpan().name("caller").start();
        try (Tracer.SpanInScope scope = this.tracer.withSpan(caller)) {
            assertThat(MDC.get("spanId")).isEqualTo(caller.context().spanId());
            this.work.run();
            assertThat(this.tracer.currentSpan()).isEqualTo(caller);
            assertThat(MDC.get("spanId")).isEqualTo(caller.context().spanId());
            assertThat(MDC.get("traceId")).isEqualTo(caller.context().traceId());
        }
        finally {
            caller.end();
        }
        assertThat(this.tracer.currentSpan()).isNull();
        assertThat(MDC.get("spanId")).isNull();
    }

    @SpringBootConfiguration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class UserApplication {

        @Bean
        Work work() {
            return new Work();
        }

    }

    static class Work {

        @Traced("demo.work")
        public String run() {
            return "done";
        }

    }

}
