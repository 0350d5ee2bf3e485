package io.inferlens.autoconfigure.experiments;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.inferlens.experiments.DefaultExperiments;
import io.inferlens.experiments.ExperimentDefinition;
import io.inferlens.experiments.ExperimentRecorder;
import io.inferlens.experiments.Experiments;
import io.inferlens.experiments.MicrometerExperimentRecorder;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of A/B experiments: an {@link Experiments} bean for the experiments
 * configured under {@code inferlens.experiments}, created even when there is none (then
 * every assignment fails, naming the missing experiment). It tags the current observation
 * with each assignment and, with a {@link MeterRegistry}, counts assignments and
 * outcomes. Ordered after Boot's observation and metrics auto-configurations, whose beans
 * it uses when they exist. Invalid experiments fail startup with an
 * {@link InvalidConfigurationPropertyValueException} naming the property.
 *
 * @author Inferlens
 */
@AutoConfiguration(
        afterName = { "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration",
                "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
                "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnBooleanProperty(name = "inferlens.enabled", matchIfMissing = true)
@EnableConfigurationProperties(InferlensExperimentsProperties.class)
public final class ExperimentsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(Experiments.class)
    DefaultExperiments inferlensExperiments(InferlensExperimentsProperties properties,
            ObjectProvider<ObservationRegistry> observationRegistry, ObjectProvider<ExperimentRecorder> recorder) {
        return new DefaultExperiments(definitions(properties),
                observationRegistry.getIfUnique(() -> ObservationRegistry.NOOP),
                recorder.getIfUnique(() -> ExperimentRecorder.NONE));
    }

    private static List<ExperimentDefinition> definitions(InferlensExperimentsProperties properties) {
        List<ExperimentDefinition> definitions = new ArrayList<>();
        properties.getExperiments().forEach((name, experiment) -> {
            Map<String, Double> variants = experiment.getVariants();
            try {
                definitions.add(new ExperimentDefinition(name, variants));
            }
            catch (IllegalArgumentException ex) {
                throw new InvalidConfigurationPropertyValueException("inferlens.experiments." + name + ".variants",
                        variants, ex.getMessage());
            }
        });
        return definitions;
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    static class ExperimentsMetricsConfiguration {

        @Bean
        @ConditionalOnMissingBean(ExperimentRecorder.class)
        @ConditionalOnBean(MeterRegistry.class)
        MicrometerExperimentRecorder inferlensExperimentRecorder(MeterRegistry meterRegistry) {
            return new MicrometerExperimentRecorder(meterRegistry);
        }

    }

}
