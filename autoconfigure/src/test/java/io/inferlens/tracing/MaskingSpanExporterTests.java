package io.inferlens.tracing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MaskingSpanExporter}, on spans made by the OpenTelemetry SDK.
 *
 * @author Inferlens
 */
class MaskingSpanExporterTests {

    private static final String SECRET = "sk-live-0123456789abcdefghij";

    @Test
    void spansWithoutSecretsArePassedOnAsTheyAre() {
        List<SpanData> spans = spans((span) -> span.setAttribute("gen_ai.request.model", "gpt-4o-mini")
            .setStatus(StatusCode.ERROR, "backend unavailable")
            .recordException(new IllegalStateException("backend unavailable")));
        Recording recording = new Recording();
        new MaskingSpanExporter(recording).export(spans);
        assertThat(recording.exported).hasSize(1).first().isSameAs(spans.get(0));
    }

    @Test
    void exceptionEventStatusAndErrorAttributesAreMasked() {
        List<SpanData> spans = spans((span) -> span.setAttribute("error", "denied for token=" + SECRET)
            .setAttribute("gen_ai.request.model", "gpt-4o-mini")
            .setStatus(StatusCode.ERROR, "401 api_key=" + SECRET)
            .recordException(new IllegalStateException("401 api_key=" + SECRET)));
        Recording recording = new Recording();
        new MaskingSpanExporter(recording).export(spans);
        SpanData masked = recording.exported.get(0);
        assertThat(masked.toString()).doesNotContain("0123456789abcdefghij");
        assertThat(masked.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(masked.getStatus().getDescription()).isEqualTo("401 api_key=****");
        assertThat(masked.getAttributes().get(AttributeKey.stringKey("error"))).isEqualTo("denied for token=****");
        assertThat(masked.getAttributes().get(AttributeKey.stringKey("gen_ai.request.model"))).isEqualTo("gpt-4o-mini");
        assertThat(masked.getEvents()).singleElement().satisfies((event) -> {
            assertThat(event.getName()).isEqualTo("exception");
            Attributes attributes = event.getAttributes();
            assertThat(attributes.get(AttributeKey.stringKey("exception.type")))
                .isEqualTo(IllegalStateException.class.getName());
            assertThat(attributes.get(AttributeKey.stringKey("exception.message"))).isEqualTo("401 api_key=****");
            assertThat(attributes.get(AttributeKey.stringKey("exception.stacktrace")))
                .startsWith("java.lang.IllegalStateException: 401 api_key=****");
        });
        // What is not masked is the original span's.
        assertThat(masked.getSpanId()).isEqualTo(spans.get(0).getSpanId());
        assertThat(masked.getName()).isEqualTo(spans.get(0).getName());
    }

    @Test
    void inABatchOnlyTheSpanWithASecretIsReplacedAndTheOrderIsKept() {
        List<SpanData> batch = new ArrayList<>();
        batch.addAll(spans((span) -> span.setAttribute("n", 1)));
        batch.addAll(spans((span) -> span.setStatus(StatusCode.ERROR, "401 api_key=" + SECRET)));
        batch.addAll(spans((span) -> span.setAttribute("n", 3)));
        Recording recording = new Recording();
        new MaskingSpanExporter(recording).export(batch);
        assertThat(recording.exported).hasSize(3);
        assertThat(recording.exported.get(0)).isSameAs(batch.get(0));
        assertThat(recording.exported.get(1)).isNotSameAs(batch.get(1));
        assertThat(recording.exported.get(1).getSpanId()).isEqualTo(batch.get(1).getSpanId());
        assertThat(recording.exported.get(1).getStatus().getDescription()).isEqualTo("401 api_key=****");
        assertThat(recording.exported.get(2)).isSameAs(batch.get(2));
    }

    @Test
    void flushAndShutdownReachTheDelegate() {
        Recording recording = new Recording();
        MaskingSpanExporter exporter = new MaskingSpanExporter(recording);
        assertThat(exporter.flush().isSuccess()).isTrue();
        assertThat(exporter.shutdown().isSuccess()).isTrue();
        assertThat(recording.flushed).isTrue();
        assertThat(recording.shutdown).isTrue();
    }

    private static List<SpanData> spans(java.util.function.Consumer<Span> decorate) {
        InMemorySpanExporter memory = InMemorySpanExporter.create();
        try (SdkTracerProvider provider = SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(memory))
            .build()) {
            Span span = provider.get("test").spanBuilder("chat gpt-4o-mini").startSpan();
            decorate.accept(span);
            span.end();
            // Before closing: shutting the provider down clears the in-memory exporter.
            return memory.getFinishedSpanItems();
        }
    }

    private static final class Recording implements SpanExporter {

        private final List<SpanData> exported = new ArrayList<>();

        private boolean flushed;

        private boolean shutdown;

        @Override
        public CompletableResultCode export(Collection<SpanData> spans) {
            this.exported.addAll(spans);
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
            this.flushed = true;
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            this.shutdown = true;
            return CompletableResultCode.ofSuccess();
        }

    }

}
