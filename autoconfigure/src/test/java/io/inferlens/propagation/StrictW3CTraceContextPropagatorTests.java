package io.inferlens.propagation;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.extension.trace.propagation.B3Propagator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link StrictW3CTraceContextPropagator}, with a carrier of repeated headers.
 *
 * @author Inferlens
 */
@ExtendWith(OutputCaptureExtension.class)
class StrictW3CTraceContextPropagatorTests {

    private static final String TRACE_ID = "12345678901234567890123456789012";

    private static final String TRACEPARENT = "00-" + TRACE_ID + "-1234567890123456-01";

    private final StrictW3CTraceContextPropagator propagator = new StrictW3CTraceContextPropagator(
            TextMapPropagator.composite(W3CTraceContextPropagator.getInstance(), W3CBaggagePropagator.getInstance()));

    @Test
    void singleTraceparentContinuesWithEveryTracestateMember() {
        SpanContext extracted = extract(Map.of("traceparent", List.of(" " + TRACEPARENT + "\t"), "tracestate",
                List.of("foo=1", "t@" + "v".repeat(15) + "=2")));
        assertThat(extracted.getTraceId()).isEqualTo(TRACE_ID);
        assertThat(extracted.isRemote()).isTrue();
        assertThat(extracted.getTraceState().asMap()).containsOnlyKeys("foo", "t@" + "v".repeat(15));
    }

    @Test
    void duplicatedTraceparentExtractsNoSpanButKeepsBaggage() {
        Map<String, List<String>> headers = Map.of("traceparent", List.of(TRACEPARENT, TRACEPARENT), "baggage",
                List.of("user.tier=gold"));
        Context context = this.propagator.extract(Context.root(), headers, new MultiValueGetter());
        assertThat(Span.fromContext(context).getSpanContext().isValid()).isFalse();
        assertThat(Baggage.fromContext(context).getEntryValue("user.tier")).isEqualTo("gold");
    }

    @Test
    void invalidTracestateKeepsTheTraceparent() {
        SpanContext extracted = extract(Map.of("traceparent", List.of(TRACEPARENT), "tracestate", List.of("FOO=1")));
        assertThat(extracted.getTraceId()).isEqualTo(TRACE_ID);
        assertThat(extracted.getTraceState().isEmpty()).isTrue();
    }

    @Test
    void tracestateIsIgnoredWithoutAValidTraceparent() {
        assertThat(extract(Map.of("tracestate", List.of("foo=1"))).isValid()).isFalse();
        assertThat(
                extract(Map.of("traceparent", List.of("ff" + TRACEPARENT.substring(2)), "tracestate", List.of("foo=1")))
                    .isValid())
            .isFalse();
    }

    @Test
    void b3ExtractedBeforeW3cKeepsItsOwnContextWithoutTracestate() {
        StrictW3CTraceContextPropagator b3First = new StrictW3CTraceContextPropagator(
                new FirstMatch(B3Propagator.injectingSingleHeader(), W3CTraceContextPropagator.getInstance()));
        String b3TraceId = "abcdefabcdefabcdefabcdefabcdefab";
        Context context = b3First.extract(Context.root(), Map.of("b3", List.of(b3TraceId + "-abcdefabcdefabcd-1"),
                "traceparent", List.of(TRACEPARENT), "tracestate", List.of("foo=1")), new MultiValueGetter());
        SpanContext extracted = Span.fromContext(context).getSpanContext();
        assertThat(extracted.getTraceId()).isEqualTo(b3TraceId);
        assertThat(extracted.getTraceState().isEmpty()).isTrue();
    }

    @Test
    void failingGetterReturnsTheContextUnchangedAndIsLoggedOnce(CapturedOutput output) {
        TextMapGetter<Object> failing = new TextMapGetter<>() {
            @Override
            public Iterable<String> keys(Object carrier) {
                throw new IllegalStateException("boom");
            }

            @Override
            public String get(Object carrier, String key) {
                throw new IllegalStateException("boom");
            }
        };
        Context context = Context.root().with(Baggage.builder().put("k", "v").build());
        assertThat(this.propagator.extract(context, new Object(), failing)).isSameAs(context);
        assertThat(this.propagator.extract(context, new Object(), failing)).isSameAs(context);
        assertThat(output).containsOnlyOnce("Trace context extraction failed").contains("IllegalStateException: boom");
    }

    @Test
    void failingSetterIsSwallowedAndLogged(CapturedOutput output) {
        Context context = Context.root()
            .with(Span.wrap(SpanContext.createFromRemoteParent(TRACE_ID, "1234567890123456",
                    io.opentelemetry.api.trace.TraceFlags.getSampled(), W3CTraceState.parse("foo@@bar=1"))));
        this.propagator.inject(context, new Object(), (carrier, key, value) -> {
            throw new IllegalStateException("boom");
        });
        assertThat(output).containsOnlyOnce("Trace context injection failed");
        Map<String, String> written = new LinkedHashMap<>();
        this.propagator.inject(context, written, (carrier, key, value) -> carrier.put(key, value));
        assertThat(written).containsEntry("tracestate", "foo@@bar=1").containsKey("traceparent");
    }

    private SpanContext extract(Map<String, List<String>> headers) {
        return Span.fromContext(this.propagator.extract(Context.root(), headers, new MultiValueGetter()))
            .getSpanContext();
    }

    /**
     * Getter of a carrier of repeated headers, like Spring's servlet request getter.
     */
    static final class MultiValueGetter implements TextMapGetter<Map<String, List<String>>> {

        @Override
        public Iterable<String> keys(Map<String, List<String>> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, List<String>> carrier, String key) {
            List<String> values = carrier.getOrDefault(key, List.of());
            return values.isEmpty() ? null : values.get(0);
        }

        @Override
        public Iterator<String> getAll(Map<String, List<String>> carrier, String key) {
            return new ArrayList<>(carrier.getOrDefault(key, List.of())).iterator();
        }

    }

    /**
     * Extractors applied in order, the first that extracts a context wins, as Boot's
     * composite does.
     */
    record FirstMatch(TextMapPropagator first, TextMapPropagator second) implements TextMapPropagator {

        @Override
        public java.util.Collection<String> fields() {
            return List.of();
        }

        @Override
        public <C> void inject(Context context, C carrier,
                io.opentelemetry.context.propagation.TextMapSetter<C> setter) {
        }

        @Override
        public <C> Context extract(Context context, C carrier, TextMapGetter<C> getter) {
            Context extracted = this.first.extract(context, carrier, getter);
            return (extracted != context) ? extracted : this.second.extract(context, carrier, getter);
        }

    }

}
