package io.inferlens.autoconfigure.errors;

import io.inferlens.errors.ErrorClassifier;
import io.inferlens.errors.ErrorsObservationHandler;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of {@code inferlens.errors}, the count of failures of the operations
 * Inferlens instruments. An {@link ErrorClassifier} bean maps exceptions to error types;
 * by default, the exception's simple class name.
 *
 * @author Inferlens
 */
@AutoConfiguration(
        afterName = { "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration",
                "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
                "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnClass({ ObservationRegistry.class, MeterRegistry.class })
@ConditionalOnBooleanProperty(name = "inferlens.enabled", matchIfMissing = true)
public final class ErrorsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(MeterRegistry.class)
    ErrorsObservationHandler inferlensErrorsObservationHandler(MeterRegistry meterRegistry,
            ObjectProvider<ErrorClassifier> errorClassifier) {
        return new ErrorsObservationHandler(meterRegistry,
                errorClassifier.getIfUnique(() -> ErrorClassifier.SIMPLE_CLASS_NAME));
    }

}
