package io.inferlens.autoconfigure.tracing;

import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.env.Environment;

/**
 * Fails startup, naming the key, when Spring Boot's
 * {@code management.tracing.sampling.probability} is outside 0 to 1. Boot 4.1.1 binds any
 * number there and hands it to OpenTelemetry's ratio sampler, whose
 * {@link IllegalArgumentException} ("ratio must be in range [0.0, 1.0]") comes out of a
 * bean creation failure that names no property. Runs before any bean is created, and also
 * sees the value that {@code OTEL_TRACES_SAMPLER_ARG} maps to that key.
 *
 * @author Inferlens
 */
final class SamplingProbabilityValidator implements BeanFactoryPostProcessor {

    static final String PROBABILITY = "management.tracing.sampling.probability";

    private final Environment environment;

    SamplingProbabilityValidator(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
        Binder.get(this.environment).bind(PROBABILITY, Float.class).ifBound((probability) -> {
            if (!(probability >= 0.0f && probability <= 1.0f)) {
                throw new InvalidConfigurationPropertyValueException(PROBABILITY, probability,
                        "The sampling probability must be between 0.0 and 1.0 inclusive.");
            }
        });
    }

}
