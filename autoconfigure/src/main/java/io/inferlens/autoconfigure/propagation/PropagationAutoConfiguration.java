package io.inferlens.autoconfigure.propagation;

import java.util.List;
import java.util.Locale;

import io.inferlens.propagation.StrictW3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapPropagator;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Auto-configuration of W3C Trace Context Level 2 extraction: the application's
 * {@link ContextPropagators} (Boot's composite built from
 * {@code management.tracing.propagation.*}, with B3 and baggage as configured) is wrapped
 * in a {@link StrictW3CTraceContextPropagator}, so Micrometer's {@code OtelPropagator}
 * and the OpenTelemetry SDK both use it. Nothing is wrapped when W3C is not among the
 * consumed types (for example {@code management.tracing.propagation.type=b3}).
 *
 * @author Inferlens
 */
@AutoConfiguration(
        afterName = "org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration")
@ConditionalOnClass({ TextMapPropagator.class, ContextPropagators.class })
@ConditionalOnBooleanProperty(name = "inferlens.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "inferlens.tracing.propagation.strict-w3c", matchIfMissing = true)
@EnableConfigurationProperties(PropagationProperties.class)
public final class PropagationAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    static StrictW3CPropagationPostProcessor strictW3CPropagationPostProcessor(Environment environment) {
        return new StrictW3CPropagationPostProcessor(consumesW3c(environment));
    }

    /**
     * Whether Boot's propagator extracts W3C Trace Context, as
     * {@code management.tracing.propagation.type}, or else {@code .consume} (default: all
     * types), say.
     */
    static boolean consumesW3c(Environment environment) {
        Binder binder = Binder.get(environment);
        Bindable<List<String>> types = Bindable.listOf(String.class);
        List<String> consumed = binder.bind("management.tracing.propagation.type", types)
            .orElseGet(() -> binder.bind("management.tracing.propagation.consume", types).orElse(List.of("w3c")));
        return consumed.stream().anyMatch((type) -> type.trim().toLowerCase(Locale.ROOT).equals("w3c"));
    }

    /**
     * Wraps every {@link ContextPropagators} bean in a
     * {@link StrictW3CTraceContextPropagator}.
     */
    static final class StrictW3CPropagationPostProcessor implements BeanPostProcessor {

        private final boolean enabled;

        StrictW3CPropagationPostProcessor(boolean enabled) {
            this.enabled = enabled;
        }

        @Override
        public Object postProcessAfterInitialization(Object bean, String beanName) {
            if (this.enabled && bean instanceof ContextPropagators propagators
                    && !(propagators.getTextMapPropagator() instanceof StrictW3CTraceContextPropagator)) {
                return ContextPropagators
                    .create(new StrictW3CTraceContextPropagator(propagators.getTextMapPropagator()));
            }
            return bean;
        }

    }

}
