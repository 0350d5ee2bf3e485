package io.inferlens.spring.actuate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import io.inferlens.annotation.SpanKind;
import io.inferlens.circuitbreaker.CircuitBreakerMetrics;
import io.inferlens.circuitbreaker.CircuitBreakerState;
import io.inferlens.experiments.DefaultExperiments;
import io.inferlens.experiments.Experiments;
import io.inferlens.inference.InferenceRecord;
import io.inferlens.inference.TokenUsage;
import io.inferlens.traces.InMemoryTraceStore;
import io.inferlens.traces.SpanStatus;
import io.inferlens.traces.StoredSpan;
import io.micrometer.common.KeyValues;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link InferlensEndpoint} without an application context: the parts whose
 * source is missing, the limits of a query and the rejection of bad parameters. The JSON
 * of every operation is checked over HTTP in {@code InferlensEndpointIntegrationTests}.
 *
 * @author Inferlens
 */
class InferlensEndpointTests {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);

    private static final long T0 = Instant.parse("2026-11-22T09:59:00Z").getEpochSecond() * 1_000_000_000L;

    @Test
    void summaryWithoutSourcesHasNoTrafficEmptyListsAndNoTraceStore() {
        InferlensEndpoint endpoint = new InferlensEndpoint(null, null, null, null, null, CLOCK);
        InferlensEndpoint.Summary summary = endpoint.summary();
        assertThat(summary.timestamp()).isEqualTo("2026-11-22T10:00:00Z");
        assertThat(summary.traffic()).isNull();
        assertThat(summary.operations()).isEmpty();
        assertThat(summary.models()).isEmpty();
        assertThat(summary.circuitBreakers()).isEmpty();
        assertThat(summary.experiments()).isEmpty();
        assertThat(summary.errors().total()).isZero();
        assertThat(summary.traceStore()).isNull();
    }

    @Test
    void partsWithoutSourcesAreNotFoundExceptEmptyExperiments() {
        InferlensEndpoint endpoint = new InferlensEndpoint(null, null, null, null, null, CLOCK);
        assertThat(endpoint.part("traces", null, null, null, null, null, null)).isNull();
        assertThat(endpoint.part("errors", null, null, null, null, null, null)).isNull();
        assertThat(endpoint.part("experiments", null, null, null, null, null, null))
            .isEqualTo(new ExperimentDescriptors.ExperimentList(List.of()));
        assertThat(endpoint.part("nothing", null, null, null, null, null, null)).isNull();
        assertThat(endpoint.item("traces", "abc")).isNull();
        assertThat(endpoint.item("errors", "abc")).isNull();
        assertThat(endpoint.item("experiments", "abc")).isNull();
        assertThat(endpoint.item("nothing", "abc")).isNull();
    }

    @Test
    void aFailingSourceIsLeftOutAndTheRestOfTheSummaryAnswered() {
        Experiments failing = new DefaultExperiments(List.of()) {

            @Override
            public List<String> names() {
                throw new IllegalStateException("experiment store unreachable");
            }

        };
        InMemoryTraceStore store = new InMemoryTraceStore(10, 10, 100);
        store.add(span("a".repeat(32), 0, Map.of()));
        InferlensEndpoint.Summary summary = new InferlensEndpoint(null, store, null, failing, null, CLOCK).summary();
        assertThat(summary.experiments()).isEmpty();
        assertThat(summary.traceStore()).isEqualTo(new InferlensEndpoint.TraceStoreSize(1, 0, 0));
    }

    @Test
    void limitIsCappedAndDefaultsToFifty() {
        InMemoryTraceStore store = new InMemoryTraceStore(2000, 10, 100);
        for (int i = 0; i < 1200; i++) {
            store.add(span(String.format("%032x", i), i, Map.of()));
        }
        InferlensEndpoint endpoint = new InferlensEndpoint(null, store, null, null, null, CLOCK);
        assertThat(traces(endpoint, null, null, null, 5000)).hasSize(InferlensEndpoint.MAX_LIMIT);
        assertThat(traces(endpoint, null, null, null, null)).hasSize(50);
        // newest first
        assertThat(traces(endpoint, null, null, null, 2)).extracting(TraceDescriptors.TraceLine::traceId)
            .containsExactly(String.format("%032x", 1199), String.format("%032x", 1198));
    }

    @Test
    void slowerThanAcceptsUnitsIsoAndPlainMilliseconds() {
        InMemoryTraceStore store = new InMemoryTraceStore(10, 10, 100);
        store.add(span("a".repeat(32), 0, Map.of()));
        InferlensEndpoint endpoint = new InferlensEndpoint(null, store, null, null, null, CLOCK);
        // the span lasts 100 ms
        assertThat(traces(endpoint, null, "99ms", null, null)).hasSize(1);
        assertThat(traces(endpoint, null, "100ms", null, null)).isEmpty();
        assertThat(traces(endpoint, null, "PT0.05S", null, null)).hasSize(1);
        assertThat(traces(endpoint, null, "50", null, null)).hasSize(1);
        assertThat(traces(endpoint, null, "1s", null, null)).isEmpty();
        assertThat(traces(endpoint, null, " ", null, null)).hasSize(1);
    }

    @Test
    void attributeSplitsAtTheFirstEqualsSign() {
        InMemoryTraceStore store = new InMemoryTraceStore(10, 10, 100);
        store.add(span("a".repeat(32), 0, Map.of("inferlens.experiment.policy", "a=b")));
        store.add(span("b".repeat(32), 1, Map.of("gen_ai.request.model", "llama3:8b")));
        // the model filter reads the store's model view, fed by the records of model
        // calls
        store.onInference(
                new InferenceRecord(0, 0, "chat", "ollama", "llama3:8b", TokenUsage.NONE, Double.NaN, -1, false, false,
                        null, null, InferenceRecord.Source.RECORDER, KeyValues.empty(), "b".repeat(32), "s", true));
        InferlensEndpoint endpoint = new InferlensEndpoint(null, store, null, null, null, CLOCK);
        assertThat(traces(endpoint, null, null, "inferlens.experiment.policy=a=b", null))
            .extracting(TraceDescriptors.TraceLine::traceId)
            .containsExactly("a".repeat(32));
        assertThat(endpoint.part("traces", null, null, "llama3:8b", null, null, null))
            .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.type(TraceDescriptors.Traces.class))
            .extracting((traces) -> traces.traces().size())
            .isEqualTo(1);
    }

    @Test
    void badParametersAreInvalidRequestsNamingTheParameter() {
        InferlensEndpoint endpoint = new InferlensEndpoint(null, new InMemoryTraceStore(10, 10, 100), null, null, null,
                CLOCK);
        assertThatExceptionOfType(InvalidEndpointRequestException.class)
            .isThrownBy(() -> traces(endpoint, null, "soon", null, null))
            .withMessageContaining("'slowerThan'");
        assertThatExceptionOfType(InvalidEndpointRequestException.class)
            .isThrownBy(() -> traces(endpoint, null, "-1s", null, null))
            .withMessageContaining("'slowerThan'");
        // beyond what Duration.toNanos() can hold
        assertThatExceptionOfType(InvalidEndpointRequestException.class)
            .isThrownBy(() -> traces(endpoint, null, "200000d", null, null))
            .withMessageContaining("'slowerThan'");
        assertThatExceptionOfType(InvalidEndpointRequestException.class)
            .isThrownBy(() -> traces(endpoint, null, "PT999999999H", null, null))
            .withMessageContaining("'slowerThan'");
        assertThatExceptionOfType(InvalidEndpointRequestException.class)
            .isThrownBy(() -> traces(endpoint, null, null, "=x", null))
            .withMessageContaining("'attribute'");
        assertThatExceptionOfType(InvalidEndpointRequestException.class)
            .isThrownBy(() -> traces(endpoint, null, null, "novalue", null))
            .withMessageContaining("'attribute'");
        assertThatExceptionOfType(InvalidEndpointRequestException.class)
            .isThrownBy(() -> traces(endpoint, null, null, null, 0))
            .withMessageContaining("'limit'");
    }

    @Test
    void traceOffsetsAreFromTheTraceStart() {
        InMemoryTraceStore store = new InMemoryTraceStore(10, 10, 100);
        String id = "c".repeat(32);
        store.add(new StoredSpan(id, "0000000000000002", "0000000000000001", "child", SpanKind.CLIENT, T0 + 20_000_000L,
                30_000_000L, SpanStatus.ERROR, "boom", Map.of(), List.of()));
        store.add(new StoredSpan(id, "0000000000000001", null, "root", SpanKind.SERVER, T0, 100_000_000L,
                SpanStatus.UNSET, null, Map.of(), List.of()));
        TraceDescriptors.Trace trace = (TraceDescriptors.Trace) new InferlensEndpoint(null, store, null, null, null,
                CLOCK)
            .item("traces", id);
        assertThat(trace.summary().durationMillis()).isEqualTo(100.0);
        assertThat(trace.summary().error()).isTrue();
        TraceDescriptors.Span root = trace.spans().get(0);
        assertThat(root.offsetMillis()).isZero();
        TraceDescriptors.Span child = root.children().get(0);
        assertThat(child.offsetMillis()).isEqualTo(20.0);
        assertThat(child.durationMillis()).isEqualTo(30.0);
        assertThat(child.status()).isEqualTo("ERROR");
        assertThat(child.statusDescription()).isEqualTo("boom");
    }

    private static List<TraceDescriptors.TraceLine> traces(InferlensEndpoint endpoint, Boolean errors,
            String slowerThan, String attribute, Integer limit) {
        TraceDescriptors.Traces traces = (TraceDescriptors.Traces) endpoint.part("traces", errors, slowerThan, null,
                null, attribute, limit);
        return traces.traces();
    }

    private static StoredSpan span(String traceId, int i, Map<String, Object> attributes) {
        return new StoredSpan(traceId, "0000000000000001", null, "root", SpanKind.SERVER, T0 + i * 1_000_000L,
                100_000_000L, SpanStatus.UNSET, null, attributes, List.of());
    }

    @Test
    void summaryListsAtMostOneHundredCircuitBreakersThoseNotClosedFirst() {
        CircuitBreakerMetrics breakers = new CircuitBreakerMetrics(new SimpleMeterRegistry());
        for (int i = 0; i < 150; i++) {
            CircuitBreakerState state = (i == 140) ? CircuitBreakerState.OPEN
                    : (i == 145) ? CircuitBreakerState.HALF_OPEN : CircuitBreakerState.CLOSED;
            breakers.bind(String.format("model-%03d", i), () -> state);
        }
        InferlensEndpoint.Summary summary = new InferlensEndpoint(null, null, null, null, breakers, CLOCK).summary();
        assertThat(summary.circuitBreakers()).hasSize(InferlensEndpoint.MAX_CIRCUIT_BREAKERS);
        assertThat(summary.circuitBreakers()).extracting(InferlensEndpoint.CircuitBreaker::name)
            .startsWith("model-140", "model-145", "model-000", "model-001");
        assertThat(summary.circuitBreakers().get(0).state()).isEqualTo("open");
    }

}
