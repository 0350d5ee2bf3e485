package io.inferlens.autoconfigure.metrics;

import java.util.List;
import java.util.Locale;

import io.inferlens.metrics.TagValueLimitMeterFilter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link InferlensMetricsAutoConfiguration}.
 *
 * @author Inferlens
 */
@ExtendWith(OutputCaptureExtension.class)
class InferlensMetricsAutoConfigurationTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner().withConfiguration(
            AutoConfigurations.of(MetricsAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
                    CompositeMeterRegistryAutoConfiguration.class, InferlensMetricsAutoConfiguration.class));

    @Test
    void providesFilterWithDefaultLimit() {
        this.contextRunner.run((context) -> {
            assertThat(context).hasSingleBean(TagValueLimitMeterFilter.class);
            TagValueLimitMeterFilter filter = context.getBean(TagValueLimitMeterFilter.class);
            assertThat(filter.getMaxTagValues()).isEqualTo(100);
            assertThat(filter.getLimitedTagKeys()).isEqualTo(TagValueLimitMeterFilter.DEFAULT_LIMITED_TAG_KEYS);
            assertThat(context.getBean(InferlensMetricsProperties.class).getMaxTagValues()).isEqualTo(100);
        });
    }

    @Test
    void metersRegisteredThroughTheContextRegistryAreCapped(CapturedOutput output) {
        this.contextRunner.withPropertyValues("inferlens.metrics.max-tag-values=2").run((context) -> {
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            for (String model : List.of("a", "b", "c", "d", "e")) {
                registry.counter("inferlens.requests", "model", model).increment();
            }
            assertThat(registry.find("inferlens.requests").counters()).extracting((c) -> c.getId().getTag("model"))
                .containsExactlyInAnyOrder("a", "b", "other");
            assertThat(registry.get("inferlens.requests").tag("model", "other").counter().count()).isEqualTo(3);
            assertThat(output)
                .contains("Meter 'inferlens.requests' reached the limit of 2 distinct values of tag 'model'")
                .contains("inferlens.metrics.max-tag-values");
        });
    }

    @Test
    void otherMetersAreNotCapped() {
        this.contextRunner.withPropertyValues("inferlens.metrics.max-tag-values=2").run((context) -> {
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            for (int i = 0; i < 20; i++) {
                registry.counter("http.server.requests", "uri", "/m" + i, "model", "m" + i).increment();
            }
            assertThat(registry.find("http.server.requests").counters()).hasSize(20)
                .noneMatch((c) -> "other".equals(c.getId().getTag("model")));
        });
    }

    @Test
    void everyRegistryOfACompositeIsCapped() {
        new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
                    CompositeMeterRegistryAutoConfiguration.class, InferlensMetricsAutoConfiguration.class))
            .withBean("first", SimpleMeterRegistry.class, SimpleMeterRegistry::new)
            .withBean("second", SimpleMeterRegistry.class, SimpleMeterRegistry::new)
            .withPropertyValues("inferlens.metrics.max-tag-values=1")
            .run((context) -> {
                MeterRegistry composite = context.getBean(MeterRegistry.class);
                assertThat(composite).isNotInstanceOf(SimpleMeterRegistry.class);
                composite.counter("inferlens.requests", "model", "a").increment();
                composite.counter("inferlens.requests", "model", "b").increment();
                for (String name : List.of("first", "second")) {
                    MeterRegistry registry = context.getBean(name, MeterRegistry.class);
                    assertThat(registry.find("inferlens.requests").counters()).as(name)
                        .extracting((c) -> c.getId().getTag("model"))
                        .containsExactlyInAnyOrder("a", "other");
                }
            });
    }

    @Test
    void valuesAreCountedAfterTheApplicationsOwnFilters() {
        MeterFilter lowerCase = new MeterFilter() {
            @Override
            public io.micrometer.core.instrument.Meter.Id map(io.micrometer.core.instrument.Meter.Id id) {
                String model = id.getTag("model");
                return (model != null) ? id.replaceTags(List.of(Tag.of("model", model.toLowerCase(Locale.ROOT)))) : id;
            }
        };
        this.contextRunner.withBean("lowerCaseModels", MeterFilter.class, () -> lowerCase)
            .withPropertyValues("inferlens.metrics.max-tag-values=2")
            .run((context) -> {
                MeterRegistry registry = context.getBean(MeterRegistry.class);
                for (String model : List.of("A", "a", "B", "b")) {
                    registry.counter("inferlens.requests", "model", model).increment();
                }
                assertThat(registry.find("inferlens.requests").counters()).extracting(Counter::count)
                    .containsExactly(2.0, 2.0);
                assertThat(registry.find("inferlens.requests").tag("model", "other").counter()).isNull();
            });
    }

    @Test
    void maxTagValuesBelowOneFailsStartupNamingTheProperty() {
        this.contextRunner.withPropertyValues("inferlens.metrics.max-tag-values=0").run((context) -> {
            assertThat(context).hasFailed();
            // Binding fails for the whole prefix, so the key is named by the setter.
            assertThat(context.getStartupFailure()).rootCause()
                .hasMessageContaining("inferlens.metrics.max-tag-values must be at least 1, but was 0");
        });
    }

    @Test
    void backsOffWhenUserDefinesFilter() {
        TagValueLimitMeterFilter filter = new TagValueLimitMeterFilter(7);
        this.contextRunner.withBean("userFilter", TagValueLimitMeterFilter.class, () -> filter).run((context) -> {
            assertThat(context.getBean(TagValueLimitMeterFilter.class)).isSameAs(filter);
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            for (int i = 0; i < 10; i++) {
                registry.counter("inferlens.requests", "model", "m" + i).increment();
            }
            assertThat(registry.find("inferlens.requests").counters()).hasSize(8);
        });
    }

    @Test
    void nothingIsCappedWhenInferlensIsDisabled() {
        this.contextRunner.withPropertyValues("inferlens.enabled=false", "inferlens.metrics.max-tag-values=1")
            .run((context) -> {
                assertThat(context).doesNotHaveBean(TagValueLimitMeterFilter.class);
                assertThat(context).doesNotHaveBean(InferlensMetricsProperties.class);
                MeterRegistry registry = context.getBean(MeterRegistry.class);
                registry.counter("inferlens.requests", "model", "a").increment();
                registry.counter("inferlens.requests", "model", "b").increment();
                assertThat(registry.find("inferlens.requests").counters()).hasSize(2);
            });
    }

    @Test
    void noFilterWithoutMicrometerCore() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(InferlensMetricsAutoConfiguration.class))
            .withClassLoader(new FilteredClassLoader(MeterRegistry.class))
            .run((context) -> {
                assertThat(context).hasNotFailed();
                assertThat(context).doesNotHaveBean(TagValueLimitMeterFilter.class);
            });
    }

}
