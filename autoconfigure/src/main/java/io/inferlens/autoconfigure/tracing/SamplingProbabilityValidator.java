package io.inferlens.autoconfigure.tracing;

import java.util.Locale;

import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.env.Environment;

/**
 * Fails startup, naming the key, when Spring Boot's
 * {@code management.tracing.sampling.probability} is outside 0 to 1. Boot 4.1.2 binds any
 * number there and hands it to OpenTelemetry's ratio sampler, whose
 * {@link IllegalArgumentException} ("ratio must be in range [0.0, 1.0]") comes out of a
 * bean creation failure that names no property. Runs before any bean is created. Only
 * checked when Boot's sampler uses the probability
 * ({@code management.opentelemetry.tracing.sampler} unset or one of the
 * {@code trace-id-ratio} samplers), as Boot itself only fails then. An out-of-range
 * {@code OTEL_TRACES_SAMPLER_ARG} never gets here: Boot drops it with a warning.
 *
 * @author Inferlens
 */
final class SamplingProbabilityValidator implements BeanFactoryPostProcessor {

    static final String PROBABILITY = "management.tracing.sampling.probability";

    static final String SAMPLER = "management.opentelemetry.tracing.sampler";

    private final Environment environment;

    SamplingProbabilityValidator(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
        String sampler = Binder.get(this.environment).bind(SAMPLER, String.class).orElse("trace-id-ratio");
        if (!sampler.toLowerCase(Locale.ROOT).contains("ratio")) {
            return;
        }
        Binder.get(this.environment).bind(PROBABILITY, Float.class).ifBound((probability) -> {
            if (!(probability >= 0.0f && probability <= 1.0f)) {
                throw new InvalidConfigurationPropertyValueException(PROBABILITY, probability,
                        "The sampling probability must be between 0.0 and 1.0 inclusive.");
            }
        });
    }

}
