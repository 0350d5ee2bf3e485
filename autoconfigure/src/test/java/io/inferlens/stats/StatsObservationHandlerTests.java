package io.inferlens.stats;

import java.util.List;
import java.util.Map;

import io.inferlens.inference.InferenceObservationContext;
import io.inferlens.inference.InferenceRecordPublisher;
import io.inferlens.inference.ModelPrice;
import io.inferlens.inference.PriceTable;
import io.inferlens.inference.TokenUsage;
import io.inferlens.observation.InstrumentedOperation;
import io.inferlens.observation.TraceContextResolver;
import io.inferlens.spring.web.servlet.ServletServerRequestSource;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.server.observation.ServerRequestObservationContext;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.within;

/**
 * Tests for {@link StatsObservationHandler} on a plain {@link ObservationRegistry}.
 *
 * @author Inferlens
 */
@ExtendWith(OutputCaptureExtension.class)
class StatsObservationHandlerTests {

    private final RequestStatistics statistics = new RequestStatistics(200, 100);

    private final ObservationRegistry registry = ObservationRegistry.create();

    StatsObservationHandlerTests() {
        this.registry.observationConfig()
            .observationHandler(new StatsObservationHandler(this.statistics, new ServletServerRequestSource()));
    }

    @Test
    void operationIsRecordedUnderItsNameWithTheDurationItTook() throws Exception {
        observation("demo.work").observeChecked(() -> Thread.sleep(20));
        OperationStatistics operation = this.statistics.operations().get(0);
        assertThat(operation.name()).isEqualTo("demo.work");
        assertThat(operation.count()).isEqualTo(1);
        assertThat(operation.errors()).isZero();
        assertThat(operation.minMillis()).isGreaterThanOrEqualTo(20.0).isLessThan(5_000.0);
    }

    @Test
    void failedOperationIsCountedAsAnError() {
        assertThatIllegalStateException().isThrownBy(() -> observation("demo.work").observe(() -> {
            throw new IllegalStateException("boom");
        }));
        assertThat(this.statistics.operations().get(0).errors()).isEqualTo(1);
        assertThat(this.statistics.summary().lastMinute().errorRate()).isEqualTo(1.0);
    }

    @Test
    void nestedOperationIsRecordedButOnlyTheOuterCountsAsARequest() {
        observation("outer").observe(() -> observation("inner").observe(() -> {
        }));
        assertThat(this.statistics.operations()).extracting(OperationStatistics::name)
            .containsExactlyInAnyOrder("outer", "inner");
        assertThat(this.statistics.summary().lastMinute().requests()).isEqualTo(1);
    }

    @Test
    void httpServerRequestIsRecordedAsMethodAndRouteWithServerErrorsCounted() {
        serverRequest("GET", "/models/{id}", 200);
        serverRequest("GET", "/models/{id}", 500);
        serverRequest("POST", "/chat", 404);
        serverRequest("GET", null, 404);
        assertThat(this.statistics.operations())
            .extracting(OperationStatistics::name, OperationStatistics::count, OperationStatistics::errors)
            .containsExactly(org.assertj.core.groups.Tuple.tuple("http GET /models/{id}", 2L, 1L),
                    org.assertj.core.groups.Tuple.tuple("http GET unmatched", 1L, 0L),
                    org.assertj.core.groups.Tuple.tuple("http POST /chat", 1L, 0L));
        StatisticsSummary summary = this.statistics.summary();
        assertThat(summary.source()).isEqualTo(RequestStatistics.SOURCE_HTTP);
        assertThat(summary.lastMinute().requests()).isEqualTo(4);
        assertThat(summary.lastMinute().errorRate()).isEqualTo(0.25);
    }

    @Test
    void operationInsideAnHttpRequestIsNotCountedTwiceInTheSummary() {
        ServerRequestObservationContext context = new ServerRequestObservationContext(
                new MockHttpServletRequest("GET", "/chat"), new MockHttpServletResponse());
        context.setPathPattern("/chat");
        Observation.createNotStarted("http.server.requests", () -> context, this.registry)
            .observe(() -> observation("chat.handle").observe(() -> {
            }));
        assertThat(this.statistics.summary().lastMinute().requests()).isEqualTo(1);
        assertThat(this.statistics.operations()).hasSize(2);
    }

    /**
     * Models come to the statistics from the records the publisher hands them, priced
     * with its table.
     */
    private void publishRecordsToTheStatistics() {
        PriceTable prices = new PriceTable(Map.of("sim-small", ModelPrice.of(0.15, 0.6)));
        this.registry.observationConfig()
            .observationHandler(new InferenceRecordPublisher(prices, TraceContextResolver.MDC_KEYS,
                    () -> List.of(this.statistics)));
    }

    @Test
    void modelCallIsRecordedWithTokensAndCostFromThePriceTable() {
        publishRecordsToTheStatistics();
        InferenceObservationContext context = new InferenceObservationContext("chat", "openai", "sim-small");
        Observation.createNotStarted("gen_ai.client.operation", () -> context, this.registry)
            .observe(() -> context.setUsage(TokenUsage.of(1000, 500).withResponseModel("sim-small-2026")));
        assertThat(this.statistics.operations()).extracting(OperationStatistics::name).containsExactly("chat");
        ModelStatistics model = this.statistics.models().get(0);
        assertThat(model.model()).isEqualTo("sim-small");
        assertThat(model.requests()).isEqualTo(1);
        assertThat(model.inputTokens()).isEqualTo(1000);
        assertThat(model.outputTokens()).isEqualTo(500);
        // 1000 * 0.15 / 1e6 + 500 * 0.6 / 1e6
        assertThat(model.costUsd()).isCloseTo(0.00045, within(1e-12));
    }

    @Test
    void modelCallWithoutRequestModelIsRecordedUnderTheResponseModelWithoutCostWhenUnpriced() {
        publishRecordsToTheStatistics();
        InferenceObservationContext context = new InferenceObservationContext("chat", "openai", null);
        Observation.createNotStarted("gen_ai.client.operation", () -> context, this.registry)
            .observe(() -> context.setUsage(TokenUsage.of(10, 5).withResponseModel("local-llm")));
        assertThat(this.statistics.models()).singleElement().satisfies((model) -> {
            assertThat(model.model()).isEqualTo("local-llm");
            assertThat(model.costUsd()).isZero();
        });
    }

    @Test
    void observationsOfOtherKindsAreNotSupported() {
        StatsObservationHandler handler = new StatsObservationHandler(this.statistics);
        assertThat(handler.supportsContext(new Observation.Context())).isFalse();
        assertThat(handler.supportsContext(new OperationContext("x"))).isTrue();
        Observation.createNotStarted("jdbc.query", this.registry).observe(() -> {
        });
        assertThat(this.statistics.operations()).isEmpty();
    }

    @Test
    void failingStatisticsNeverBreakTheObservedCallAndAreLoggedOnce(CapturedOutput output) {
        RequestStatistics failing = new RequestStatistics(1, 1) {

            @Override
            public void recordOperation(String operation, long durationNanos, boolean error, boolean topLevel) {
                throw new IllegalStateException("statistics broken");
            }

        };
        ObservationRegistry registry = ObservationRegistry.create();
        registry.observationConfig().observationHandler(new StatsObservationHandler(failing));
        for (int i = 0; i < 3; i++) {
            String result = Observation.createNotStarted("demo.work", () -> new OperationContext("demo.work"), registry)
                .observe(() -> "done");
            assertThat(result).isEqualTo("done");
        }
        assertThat(output).containsOnlyOnce("Failed to record request statistics");
    }

    private Observation observation(String name) {
        return Observation.createNotStarted(name, () -> new OperationContext(name), this.registry);
    }

    private void serverRequest(String method, String pattern, int status) {
        MockHttpServletResponse response = new MockHttpServletResponse();
        ServerRequestObservationContext context = new ServerRequestObservationContext(
                new MockHttpServletRequest(method, "/x"), response);
        context.setPathPattern(pattern);
        Observation.createNotStarted("http.server.requests", () -> context, this.registry)
            .observe(() -> response.setStatus(status));
    }

    /**
     * A context like the {@code @Traced} one.
     */
    static class OperationContext extends Observation.Context implements InstrumentedOperation {

        private final String operation;

        OperationContext(String operation) {
            this.operation = operation;
            setName(operation);
        }

        @Override
        public String getOperationName() {
            return this.operation;
        }

    }

}
