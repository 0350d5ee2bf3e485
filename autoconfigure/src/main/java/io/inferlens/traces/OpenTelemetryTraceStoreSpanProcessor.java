package io.inferlens.traces;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.inferlens.annotation.SpanKind;
import io.inferlens.observation.FailureLog;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * An OpenTelemetry SDK {@link SpanProcessor} that copies every span that ends into a
 * {@link TraceStore}, as a {@link StoredSpan}. Registered with the tracer provider next
 * to the exporting processors, it keeps recent traces whether or not any exporter is
 * configured. Only spans that are recorded reach it; a failure to store one is logged
 * once and never reaches the application.
 *
 * @author Inferlens
 */
public final class OpenTelemetryTraceStoreSpanProcessor implements SpanProcessor {

    private static final Log logger = LogFactory.getLog(OpenTelemetryTraceStoreSpanProcessor.class);

    private final FailureLog failures = new FailureLog(logger, "Could not store span %s in the trace store");

    private final TraceStore store;

    /**
     * Create a processor.
     * @param store the store spans are added to
     */
    public OpenTelemetryTraceStoreSpanProcessor(TraceStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {
    }

    @Override
    public boolean isStartRequired() {
        return false;
    }

    @Override
    public void onEnd(ReadableSpan span) {
        // A sampler may record a span without sampling it: such a span is neither
        // exported nor stored.
        if (!span.getSpanContext().isSampled()) {
            return;
        }
        try {
            this.store.add(toStoredSpan(span.toSpanData()));
        }
        catch (RuntimeException ex) {
            this.failures.log(span.getName(), ex);
        }
    }

    @Override
    public boolean isEndRequired() {
        return true;
    }

    @Override
    public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode forceFlush() {
        return CompletableResultCode.ofSuccess();
    }

    /**
     * Copy what a trace view needs of a span.
     * @param data the span
     * @return the stored span
     */
    static StoredSpan toStoredSpan(SpanData data) {
        SpanContext parent = data.getParentSpanContext();
        String parentSpanId = (parent.isValid()) ? parent.getSpanId() : null;
        StatusData status = data.getStatus();
        String description = status.getDescription();
        List<EventData> eventData = data.getEvents();
        List<SpanEvent> events = new ArrayList<>(eventData.size());
        for (EventData event : eventData) {
            events.add(new SpanEvent(event.getName(), event.getEpochNanos(), attributes(event.getAttributes())));
        }
        return new StoredSpan(data.getTraceId(), data.getSpanId(), parentSpanId, data.getName(), kind(data.getKind()),
                data.getStartEpochNanos(), Math.max(0, data.getEndEpochNanos() - data.getStartEpochNanos()),
                status(status), (description.isEmpty()) ? null : description, attributes(data.getAttributes()), events);
    }

    private static Map<String, Object> attributes(Attributes attributes) {
        if (attributes.isEmpty()) {
            return Map.of();
        }
        Map<String, Object> copy = new HashMap<>(attributes.size() * 2);
        // Values are strings, longs, doubles, booleans or lists of one of them: the
        // scalars are immutable, the lists are copied unless they already are.
        attributes.forEach(
                (key, value) -> copy.put(key.getKey(), (value instanceof List<?> list) ? List.copyOf(list) : value));
        return copy;
    }

    private static SpanKind kind(io.opentelemetry.api.trace.@Nullable SpanKind kind) {
        if (kind == null) {
            return SpanKind.INTERNAL;
        }
        return switch (kind) {
            case INTERNAL -> SpanKind.INTERNAL;
            case SERVER -> SpanKind.SERVER;
            case CLIENT -> SpanKind.CLIENT;
            case PRODUCER -> SpanKind.PRODUCER;
            case CONSUMER -> SpanKind.CONSUMER;
        };
    }

    private static SpanStatus status(StatusData status) {
        return switch (status.getStatusCode()) {
            case OK -> SpanStatus.OK;
            case ERROR -> SpanStatus.ERROR;
            case UNSET -> SpanStatus.UNSET;
        };
    }

}
