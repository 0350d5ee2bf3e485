package io.inferlens.autoconfigure.tracing;

import java.util.List;

import io.inferlens.autoconfigure.tracing.InferlensTracingProperties.Rule;
import io.inferlens.tracing.RuleBasedSampler;
import io.inferlens.tracing.SamplingRule;
import io.opentelemetry.sdk.trace.samplers.Sampler;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Wraps the {@link Sampler} Spring Boot creates (bean {@value #BOOT_SAMPLER_BEAN_NAME},
 * configured by {@code management.opentelemetry.tracing.sampler} and
 * {@code management.tracing.sampling.probability}) in a {@link RuleBasedSampler} when
 * {@code inferlens.tracing.sampling.rules} has rules, so that Boot's sampler keeps
 * deciding the root spans that no rule matches. Without rules, or for a sampler the user
 * defined, nothing is wrapped.
 *
 * @author Inferlens
 */
class SamplingRulesPostProcessor implements BeanPostProcessor {

    /**
     * Name of the sampler bean of Boot's {@code OpenTelemetryTracingAutoConfiguration}.
     */
    static final String BOOT_SAMPLER_BEAN_NAME = "otelSampler";

    private final ObjectProvider<InferlensTracingProperties> properties;

    SamplingRulesPostProcessor(ObjectProvider<InferlensTracingProperties> properties) {
        this.properties = properties;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof Sampler sampler && !(bean instanceof RuleBasedSampler)
                && BOOT_SAMPLER_BEAN_NAME.equals(beanName)) {
            List<Rule> rules = this.properties.getObject().getSampling().getRules();
            if (!rules.isEmpty()) {
                return new RuleBasedSampler(rules.stream()
                    .map((rule) -> new SamplingRule(rule.getPattern(), rule.getProbability()))
                    .toList(), sampler);
            }
        }
        return bean;
    }

}
