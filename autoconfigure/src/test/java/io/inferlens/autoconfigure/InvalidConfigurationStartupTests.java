package io.inferlens.autoconfigure;

import java.util.List;

import io.opentelemetry.sdk.trace.samplers.Sampler;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * What a user sees when a value is invalid: a real {@link SpringApplication} with every
 * auto-configuration on the class path fails to start, and Spring Boot's failure report
 * ("APPLICATION FAILED TO START", written by its failure analyzers rather than a bare
 * stack trace) names the property to fix.
 *
 * @author Inferlens
 */
@ExtendWith(OutputCaptureExtension.class)
class InvalidConfigurationStartupTests {

    static List<Arguments> invalidConfigurations() {
        return List.of(
                Arguments.of(List.of("management.tracing.sampling.probability=2.0"),
                        "management.tracing.sampling.probability"),
                Arguments.of(List.of("management.tracing.sampling.probability=-0.5"),
                        "management.tracing.sampling.probability"),
                Arguments.of(
                        List.of("inferlens.tracing.sampling.rules[0].pattern=chat *",
                                "inferlens.tracing.sampling.rules[0].probability=1.5"),
                        "inferlens.tracing.sampling.rules[0].probability"),
                Arguments.of(
                        List.of("inferlens.experiments.routing-policy.variants.a=0.7",
                                "inferlens.experiments.routing-policy.variants.b=0.4"),
                        "inferlens.experiments.routing-policy.variants"),
                Arguments.of(
                        List.of("inferlens.pricing.models.sim-x.input=-1", "inferlens.pricing.models.sim-x.output=2"),
                        "inferlens.pricing.models[sim-x].input"),
                Arguments.of(List.of("inferlens.pricing.models.sim-x.input=cheap",
                        "inferlens.pricing.models.sim-x.output=2"), "inferlens.pricing.models.sim-x.input"),
                Arguments.of(List.of("inferlens.trace-logs.level=LOUD"), "inferlens.trace-logs.level"),
                Arguments.of(List.of("inferlens.metrics.max-tag-values=0"), "inferlens.metrics.max-tag-values"),
                Arguments.of(List.of("inferlens.slow-calls.threshold=-1s"), "inferlens.slow-calls.threshold"),
                Arguments.of(List.of("inferlens.health.error-rate-threshold=2"),
                        "inferlens.health.error-rate-threshold"),
                Arguments.of(List.of("inferlens.health.status=UP"), "inferlens.health.status"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidConfigurations")
    void startupFailsWithAReportNamingTheKey(List<String> properties, String key, CapturedOutput output) {
        SpringApplication application = new SpringApplication(Application.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        String[] arguments = properties.stream().map((property) -> "--" + property).toArray(String[]::new);
        assertThatException().isThrownBy(() -> application.run(arguments).close());
        String report = output.getAll();
        assertThat(report).contains("APPLICATION FAILED TO START");
        String analysis = report.substring(report.indexOf("APPLICATION FAILED TO START"));
        assertThat(analysis).contains(key);
    }

    @ParameterizedTest
    @CsvSource({ "always-on, AlwaysOnSampler", "always_off, AlwaysOffSampler",
            "parent-based-always-on, ParentBased{root:AlwaysOnSampler" })
    void probabilityNoSamplerUsesIsNotChecked(String sampler, String description) {
        SpringApplication application = new SpringApplication(Application.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        try (ConfigurableApplicationContext context = application.run("--management.tracing.sampling.probability=2.0",
                "--management.opentelemetry.tracing.sampler=" + sampler)) {
            // started, with the sampler asked for rather than a ratio one
            assertThat(context.getBean(Sampler.class).getDescription()).startsWith(description);
        }
    }

    @SpringBootConfiguration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class Application {

    }

}
