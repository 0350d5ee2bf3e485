package io.inferlens.autoconfigure.stats;

import io.inferlens.annotation.InferenceModel;
import io.inferlens.annotation.Traced;
import io.inferlens.annotation.TracedInference;
import io.inferlens.autoconfigure.inference.InferenceAutoConfiguration;
import io.inferlens.autoconfigure.traced.TracedAutoConfiguration;
import io.inferlens.inference.TokenUsage;
import io.inferlens.inference.TokenUsageProvider;
import io.inferlens.stats.ModelStatistics;
import io.inferlens.stats.OperationStatistics;
import io.inferlens.stats.RequestStatistics;
import io.inferlens.stats.StatisticsSummary;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.within;

/**
 * The rolling statistics in an application context with Boot's observation
 * auto-configuration, fed by {@code @Traced} and {@code @TracedInference} methods.
 *
 * @author Inferlens
 */
class StatsIntegrationTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
        .withPropertyValues("inferlens.stats.enabled=true")
        .withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class, AopAutoConfiguration.class,
                TracedAutoConfiguration.class, InferenceAutoConfiguration.class, StatsAutoConfiguration.class))
        .withPropertyValues("inferlens.pricing.models.sim-small.input=0.15",
                "inferlens.pricing.models.sim-small.output=0.6")
        .withUserConfiguration(Services.class);

    @Test
    void tracedMethodsFeedTheSummaryOperationsAndModels() {
        this.contextRunner.run((context) -> {
            Pipeline pipeline = context.getBean(Pipeline.class);
            for (int i = 0; i < 3; i++) {
                pipeline.answer("sim-small");
            }
            assertThatIllegalStateException().isThrownBy(pipeline::fail);
            RequestStatistics statistics = context.getBean(RequestStatistics.class);
            StatisticsSummary summary = statistics.summary();
            // Busiest first, then by name. The nested model calls are operations, but not
            // requests of their own.
            assertThat(summary.source()).isEqualTo(RequestStatistics.SOURCE_OPERATIONS);
            assertThat(summary.lastMinute().requests()).isEqualTo(4);
            assertThat(summary.lastMinute().errors()).isEqualTo(1);
            assertThat(summary.lastMinute().errorRate()).isEqualTo(0.25);
            assertThat(summary.lastFifteenMinutes().requests()).isEqualTo(4);
            assertThat(statistics.operations())
                .extracting(OperationStatistics::name, OperationStatistics::count, OperationStatistics::errors)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("chat", 3L, 0L),
                        org.assertj.core.groups.Tuple.tuple("pipeline.answer", 3L, 0L),
                        org.assertj.core.groups.Tuple.tuple("pipeline.fail", 1L, 1L));
            ModelStatistics model = statistics.models().get(0);
            assertThat(model.model()).isEqualTo("sim-small");
            assertThat(model.requests()).isEqualTo(3);
            assertThat(model.inputTokens()).isEqualTo(3000);
            assertThat(model.outputTokens()).isEqualTo(1500);
            assertThat(model.costUsd()).isCloseTo(3 * 0.00045, within(1e-12));
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class Services {

        @Bean
        ModelClient modelClient() {
            return new ModelClient();
        }

        @Bean
        Pipeline pipeline(ModelClient modelClient) {
            return new Pipeline(modelClient);
        }

    }

    public static class Pipeline {

        private final ModelClient client;

        public Pipeline(ModelClient client) {
            this.client = client;
        }

        @Traced("pipeline.answer")
        public String answer(String model) {
            return this.client.chat(model).text();
        }

        @Traced("pipeline.fail")
        public void fail() {
            throw new IllegalStateException("no answer");
        }

    }

    public static class ModelClient {

        @TracedInference(provider = "openai")
        public Answer chat(@InferenceModel String model) {
            return new Answer("hello", TokenUsage.of(1000, 500));
        }

    }

    public record Answer(String text, TokenUsage usage) implements TokenUsageProvider {

        @Override
        public TokenUsage getTokenUsage() {
            return this.usage;
        }

    }

}
