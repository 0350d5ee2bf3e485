package io.inferlens.tracing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.testing.trace.TestSpanData;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Tests for {@link ConsoleSpanExporter}.
 *
 * @author Inferlens
 */
@ExtendWith(OutputCaptureExtension.class)
class ConsoleSpanExporterTests {

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

    private static final long START = 1_700_000_000_123_456_789L;

    private final JsonMapper mapper = JsonMapper.builder().build();

    private final List<String> lines = new ArrayList<>();

    private final ConsoleSpanExporter exporter = new ConsoleSpanExporter(this.lines::add);

    @Test
    void eachSpanIsOneLineOfJsonWithItsFields() {
        SpanData root = span("00f067aa0ba902b7", SpanContext.getInvalid(), "routing_request", Attributes.empty(),
                List.of());
        SpanData child = span("b7ad6b7169203331",
                SpanContext.create(TRACE_ID, "00f067aa0ba902b7", TraceFlags.getSampled(), TraceState.getDefault()),
                "chat sim-large",
                Attributes.builder()
                    .put("gen_ai.request.model", "sim-large")
                    .put("gen_ai.usage.input_tokens", 12L)
                    .put("temperature", 0.5)
                    .put("stream", true)
                    .put(AttributeKey.stringArrayKey("tags"), List.of("a", "b"))
                    .build(),
                List.of(EventData.create(START + 1_000_000, "first token",
                        Attributes.of(AttributeKey.longKey("n"), 1L))));
        CompletableResultCode result = this.exporter.export(List.of(root, child));
        assertThat(result.isSuccess()).isTrue();
        assertThat(this.lines).hasSize(2).allSatisfy((line) -> assertThat(line).doesNotContain("\n", "\r"));
        JsonNode first = this.mapper.readTree(this.lines.get(0));
        assertThat(first.get("traceId").asString()).isEqualTo(TRACE_ID);
        assertThat(first.get("spanId").asString()).isEqualTo("00f067aa0ba902b7");
        assertThat(first.get("parentSpanId").isNull()).isTrue();
        assertThat(first.get("name").asString()).isEqualTo("routing_request");
        JsonNode second = this.mapper.readTree(this.lines.get(1));
        assertThat(second.get("parentSpanId").asString()).isEqualTo("00f067aa0ba902b7");
        assertThat(second.get("name").asString()).isEqualTo("chat sim-large");
        assertThat(second.get("kind").asString()).isEqualTo("CLIENT");
        assertThat(second.get("start").asString()).isEqualTo("2023-11-14T22:13:20.123456789Z");
        assertThat(second.get("durationMillis").asDouble()).isEqualTo(25.5);
        assertThat(second.get("status").asString()).isEqualTo("OK");
        assertThat(second.has("statusDescription")).isFalse();
        JsonNode attributes = second.get("attributes");
        assertThat(attributes.get("gen_ai.request.model").asString()).isEqualTo("sim-large");
        assertThat(attributes.get("gen_ai.usage.input_tokens").isIntegralNumber()).isTrue();
        assertThat(attributes.get("gen_ai.usage.input_tokens").asLong()).isEqualTo(12);
        assertThat(attributes.get("temperature").asDouble()).isEqualTo(0.5);
        assertThat(attributes.get("stream").isBoolean()).isTrue();
        assertThat(attributes.get("tags").get(1).asString()).isEqualTo("b");
        JsonNode event = second.get("events").get(0);
        assertThat(event.get("name").asString()).isEqualTo("first token");
        assertThat(event.get("time").asString()).isEqualTo("2023-11-14T22:13:20.124456789Z");
        assertThat(event.get("attributes").get("n").asLong()).isEqualTo(1);
    }

    @Test
    void secretsInAttributesEventsAndStatusAreMasked() {
        SpanData span = TestSpanData.builder()
            .setSpanContext(
                    SpanContext.create(TRACE_ID, "00f067aa0ba902b7", TraceFlags.getSampled(), TraceState.getDefault()))
            .setName("http post")
            .setKind(SpanKind.SERVER)
            .setStartEpochNanos(START)
            .setEndEpochNanos(START + 1)
            .setHasEnded(true)
            .setStatus(StatusData.create(io.opentelemetry.api.trace.StatusCode.ERROR, "denied for password=hunter2"))
            .setAttributes(Attributes.builder()
                .put("http.request.header.authorization", "Bearer abc.def")
                .put("api_key", "plain-value")
                .put("url.full", "https://api.example.com/v1?api_key=s3cr3t&x=1")
                .put("prompt", "use sk-abcdefghijklmnop please")
                .put("gen_ai.usage.input_tokens", 5L)
                .build())
            .setEvents(List.of(EventData.create(START, "exception",
                    Attributes.of(AttributeKey.stringKey("exception.message"), "token=abc123 rejected"))))
            .setTotalRecordedEvents(1)
            .build();
        this.exporter.export(List.of(span));
        String line = this.lines.get(0);
        assertThat(line).doesNotContain("abc.def", "plain-value", "s3cr3t", "sk-abcdefghijklmnop", "abc123", "hunter2");
        JsonNode json = this.mapper.readTree(line);
        assertThat(json.get("attributes").get("http.request.header.authorization").asString()).isEqualTo("****");
        assertThat(json.get("attributes").get("api_key").asString()).isEqualTo("****");
        assertThat(json.get("attributes").get("url.full").asString())
            .isEqualTo("https://api.example.com/v1?api_key=****&x=1");
        assertThat(json.get("attributes").get("gen_ai.usage.input_tokens").asLong()).isEqualTo(5);
        assertThat(json.get("events").get(0).get("attributes").get("exception.message").asString())
            .isEqualTo("token=**** rejected");
        assertThat(json.get("status").asString()).isEqualTo("ERROR");
        assertThat(json.get("statusDescription").asString()).isEqualTo("denied for password=****");
    }

    @Test
    void hostileStringsAreEscapedAndParseBackUnchanged() {
        String hostile = "q\"uote \\back\\slash\nnew\rline\ttab\u0000nul\u001fus\u007fdel\u2028ls\u2029ps"
                + "\ud83d\ude00emoji \ud800lone \udc00low </script>";
        SpanData span = span("00f067aa0ba902b7", SpanContext.getInvalid(), hostile,
                Attributes.builder().put(hostile, hostile).build(), List.of());
        this.exporter.export(List.of(span));
        String line = this.lines.get(0);
        assertThat(line).doesNotContain("\n", "\r", "\u0000", "\u2028", "\u2029", "\u007f");
        assertThat(line).contains("\\u2028", "\\ud800", "\\udc00", "\ud83d\ude00");
        JsonNode json = this.mapper.readTree(line);
        assertThat(json.get("name").asString()).isEqualTo(hostile);
        assertThat(json.get("attributes").get(hostile).asString()).isEqualTo(hostile);
    }

    @Test
    void nonFiniteDoublesAreWrittenAsStrings() {
        SpanData span = span("00f067aa0ba902b7", SpanContext.getInvalid(), "op",
                Attributes.builder()
                    .put("nan", Double.NaN)
                    .put(AttributeKey.doubleArrayKey("values"), List.of(1.5, Double.POSITIVE_INFINITY))
                    .build(),
                List.of());
        this.exporter.export(List.of(span));
        JsonNode json = this.mapper.readTree(this.lines.get(0));
        assertThat(json.get("attributes").get("nan").asString()).isEqualTo("NaN");
        assertThat(json.get("attributes").get("values").get(0).asDouble()).isEqualTo(1.5);
        assertThat(json.get("attributes").get("values").get(1).asString()).isEqualTo("Infinity");
    }

    @Test
    void failureIsReportedAsFailedResultLoggedOnceAndOtherSpansAreStillWritten(CapturedOutput output) {
        List<String> written = new ArrayList<>();
        ConsoleSpanExporter failing = new ConsoleSpanExporter((line) -> {
            if (line.contains("\"broken\"")) {
                throw new IllegalStateException("appender down");
            }
            written.add(line);
        });
        SpanData broken = span("00f067aa0ba902b7", SpanContext.getInvalid(), "broken", Attributes.empty(), List.of());
        SpanData fine = span("b7ad6b7169203331", SpanContext.getInvalid(), "fine", Attributes.empty(), List.of());
        assertThatNoException().isThrownBy(() -> {
            CompletableResultCode first = failing.export(List.of(broken, fine));
            CompletableResultCode second = failing.export(List.of(broken));
            assertThat(first.join(1, TimeUnit.SECONDS).isSuccess()).isFalse();
            assertThat(second.isSuccess()).isFalse();
        });
        assertThat(written).hasSize(1).first().asString().contains("\"fine\"");
        assertThat(output.getOut() + output.getErr()).containsOnlyOnce("Failed to write span 'broken' to the console")
            .contains("appender down");
    }

    @Test
    void writesToTheConsoleLoggerAtInfoByDefault(CapturedOutput output) {
        new ConsoleSpanExporter().export(List
            .of(span("00f067aa0ba902b7", SpanContext.getInvalid(), "to the log", Attributes.empty(), List.of())));
        assertThat(output).containsPattern("INFO .*io\\.inferlens\\.tracing\\.console.*\"name\":\"to the log\"");
    }

    private static SpanData span(String spanId, SpanContext parent, String name, Attributes attributes,
            List<EventData> events) {
        return TestSpanData.builder()
            .setSpanContext(SpanContext.create(TRACE_ID, spanId, TraceFlags.getSampled(), TraceState.getDefault()))
            .setParentSpanContext(parent)
            .setName(name)
            .setKind(SpanKind.CLIENT)
            .setStartEpochNanos(START)
            .setEndEpochNanos(START + 25_500_000)
            .setHasEnded(true)
            .setStatus(StatusData.ok())
            .setAttributes(attributes)
            .setTotalAttributeCount(attributes.size())
            .setEvents(events)
            .setTotalRecordedEvents(events.size())
            .build();
    }

}
