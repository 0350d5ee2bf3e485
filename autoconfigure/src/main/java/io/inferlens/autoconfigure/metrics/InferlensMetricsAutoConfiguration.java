package io.inferlens.autoconfigure.metrics;

import io.inferlens.metrics.MissingDescriptionMeterFilter;
import io.inferlens.metrics.TagValueLimitMeterFilter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the limits on Inferlens' meters: a
 * {@link TagValueLimitMeterFilter} that caps the distinct values of caller-provided tags,
 * such as the model, on meters named {@code inferlens.*} and {@code gen_ai.*}, so that
 * callers cannot grow the number of series without bound.
 * <p>
 * Spring Boot's metrics auto-configuration adds every {@code MeterFilter} bean to each
 * meter registry it configures, in {@code @Order}. This filter has no order, so it runs
 * after ordered filters and after the application's unordered ones, which are defined
 * before auto-configured beans: values are counted as those filters leave them, such as
 * after a filter that normalizes model names.
 *
 * @author Inferlens
 */
@AutoConfiguration
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBooleanProperty(name = "inferlens.enabled", matchIfMissing = true)
@EnableConfigurationProperties(InferlensMetricsProperties.class)
public final class InferlensMetricsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    TagValueLimitMeterFilter inferlensTagValueLimitMeterFilter(InferlensMetricsProperties properties) {
        return new TagValueLimitMeterFilter(properties.getMaxTagValues());
    }

    @Bean
    @ConditionalOnMissingBean
    MissingDescriptionMeterFilter inferlensMissingDescriptionMeterFilter() {
        return new MissingDescriptionMeterFilter();
    }

}
