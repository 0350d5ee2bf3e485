package io.inferlens.traces;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

import io.inferlens.annotation.SpanKind;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Tests for {@link OpenTelemetryTraceStoreSpanProcessor}, with the OpenTelemetry SDK's
 * own tracer provider.
 *
 * @author Inferlens
 */
class OpenTelemetryTraceStoreSpanProcessorTests {

    private final InMemoryTraceStore store = new InMemoryTraceStore(10, 10, 100);

    private final SdkTracerProvider provider = SdkTracerProvider.builder()
        .addSpanProcessor(new OpenTelemetryTraceStoreSpanProcessor(this.store))
        .build();

    private final Tracer tracer = this.provider.get("test");

    @AfterEach
    void close() {
        this.provider.close();
    }

    @Test
    void endedSpansAreStoredWithTheirParentKindAttributesStatusAndEvents() {
        Span parent = this.tracer.spanBuilder("chat")
            .setSpanKind(io.opentelemetry.api.trace.SpanKind.SERVER)
            .startSpan();
        Span child;
        try (Scope scope = parent.makeCurrent()) {
            child = this.tracer.spanBuilder("chat gpt-4o")
                .setSpanKind(io.opentelemetry.api.trace.SpanKind.CLIENT)
                .setAttribute("gen_ai.request.model", "gpt-4o")
                .setAttribute("gen_ai.usage.input_tokens", 42L)
                .setAttribute("temperature", 0.5)
                .setAttribute("stream", true)
                .setAttribute(AttributeKey.stringArrayKey("gen_ai.response.finish_reasons"), List.of("stop"))
                .startSpan();
            child.recordException(new IOException("model unavailable"));
            child.setStatus(StatusCode.ERROR, "model unavailable");
            child.end();
        }
        parent.end();
        String traceId = parent.getSpanContext().getTraceId();
        TraceView view = this.store.trace(traceId).orElseThrow();
        StoredSpan root = view.roots().get(0).span();
        assertThat(root.parentSpanId()).isNull();
        assertThat(root.kind()).isEqualTo(SpanKind.SERVER);
        assertThat(root.status()).isEqualTo(SpanStatus.UNSET);
        assertThat(root.statusDescription()).isNull();
        StoredSpan stored = view.roots().get(0).children().get(0).span();
        assertThat(stored.spanId()).isEqualTo(child.getSpanContext().getSpanId());
        assertThat(stored.parentSpanId()).isEqualTo(parent.getSpanContext().getSpanId());
        assertThat(stored.name()).isEqualTo("chat gpt-4o");
        assertThat(stored.kind()).isEqualTo(SpanKind.CLIENT);
        assertThat(stored.durationNanos()).isNotNegative();
        assertThat(stored.startEpochNanos()).isPositive();
        assertThat(stored.status()).isEqualTo(SpanStatus.ERROR);
        assertThat(stored.statusDescription()).isEqualTo("model unavailable");
        assertThat(stored.attributes()).containsEntry("gen_ai.request.model", "gpt-4o")
            .containsEntry("gen_ai.usage.input_tokens", 42L)
            .containsEntry("temperature", 0.5)
            .containsEntry("stream", true)
            .containsEntry("gen_ai.response.finish_reasons", List.of("stop"));
        assertThat(stored.events()).singleElement().satisfies((event) -> {
            assertThat(event.name()).isEqualTo("exception");
            assertThat(event.attributes()).containsEntry("exception.type", IOException.class.getName())
                .containsEntry("exception.message", "model unavailable");
            assertThat((String) event.attributes().get("exception.stacktrace")).hasSizeLessThanOrEqualTo(100);
        });
        assertThat(view.summary().error()).isTrue();
    }

    @Test
    void spansThatAreRecordedButNotSampledAreNotStored() {
        // With a sampler that drops spans the SDK never calls processors; one that
        // records
        // without sampling does, so the processor itself must leave the span out.
        Sampler recordOnly = new Sampler() {

            @Override
            public SamplingResult shouldSample(Context parentContext, String traceId, String name,
                    io.opentelemetry.api.trace.SpanKind spanKind, Attributes attributes, List<LinkData> parentLinks) {
                return SamplingResult.recordOnly();
            }

            @Override
            public String getDescription() {
                return "recordOnly";
            }

        };
        try (SdkTracerProvider provider = SdkTracerProvider.builder()
            .setSampler(recordOnly)
            .addSpanProcessor(new OpenTelemetryTraceStoreSpanProcessor(this.store))
            .build()) {
            Span span = provider.get("test").spanBuilder("recorded").startSpan();
            assertThat(span.isRecording()).isTrue();
            span.end();
        }
        assertThat(this.store.size()).isZero();
    }

    @Test
    void aFailingStoreDoesNotReachTheApplication() {
        try (SdkTracerProvider provider = SdkTracerProvider.builder()
            .addSpanProcessor(new OpenTelemetryTraceStoreSpanProcessor(new ThrowingTraceStore()))
            .build()) {
            assertThatNoException().isThrownBy(() -> provider.get("test").spanBuilder("fine").startSpan().end());
        }
    }

    static class ThrowingTraceStore implements TraceStore {

        @Override
        public void add(StoredSpan span) {
            throw new IllegalStateException("full");
        }

        @Override
        public List<TraceSummary> recent(TraceQuery query) {
            return List.of();
        }

        @Override
        public Optional<TraceView> trace(String traceId) {
            return Optional.empty();
        }

        @Override
        public int size() {
            return 0;
        }

        @Override
        public long droppedSpans() {
            return 0;
        }

        @Override
        public long evictedTraces() {
            return 0;
        }

        @Override
        public void clear() {
        }

    }

}
