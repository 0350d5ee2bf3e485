package io.inferlens.tracing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import io.inferlens.privacy.Secrets;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.DelegatingSpanData;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import io.opentelemetry.sdk.trace.export.SpanExporter;

/**
 * {@link SpanExporter} that masks secrets in what an exception puts on a span before the
 * span leaves the application: the {@code exception.message} and
 * {@code exception.stacktrace} of its {@code exception} events, the status description
 * (which Micrometer Tracing sets to the exception's message) and the {@code error} and
 * {@code exception.message} attributes. A message such as {@code "401 for api_key=sk-…"}
 * is exported as {@code "401 for api_key=****"}. Spans with none of these are passed on
 * as they are. Runs on the exporting thread, not on the traced call.
 *
 * @author Inferlens
 * @see Secrets#mask(String)
 */
public final class MaskingSpanExporter implements SpanExporter {

    private static final AttributeKey<String> EXCEPTION_MESSAGE = AttributeKey.stringKey("exception.message");

    private static final AttributeKey<String> EXCEPTION_STACKTRACE = AttributeKey.stringKey("exception.stacktrace");

    private static final AttributeKey<String> ERROR = AttributeKey.stringKey("error");

    private static final List<AttributeKey<String>> MASKED_KEYS = List.of(EXCEPTION_MESSAGE, EXCEPTION_STACKTRACE,
            ERROR);

    private final SpanExporter delegate;

    /**
     * Create an exporter that masks spans and hands them to the given one.
     * @param delegate the exporter that sends the spans
     */
    public MaskingSpanExporter(SpanExporter delegate) {
        this.delegate = delegate;
    }

    /**
     * The exporter that sends the spans.
     * @return the delegate
     */
    public SpanExporter getDelegate() {
        return this.delegate;
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
        List<SpanData> masked = null;
        int index = 0;
        for (SpanData span : spans) {
            SpanData safe = mask(span);
            if (safe != span && masked == null) {
                masked = new ArrayList<>(spans);
            }
            if (masked != null) {
                masked.set(index, safe);
            }
            index++;
        }
        return this.delegate.export((masked != null) ? masked : spans);
    }

    static SpanData mask(SpanData span) {
        StatusData status = span.getStatus();
        String description = status.getDescription();
        String maskedDescription = description.isEmpty() ? description : Secrets.mask(description);
        Attributes attributes = maskAttributes(span.getAttributes());
        List<EventData> events = span.getEvents();
        List<EventData> maskedEvents = null;
        for (int i = 0; i < events.size(); i++) {
            EventData event = events.get(i);
            Attributes eventAttributes = maskAttributes(event.getAttributes());
            if (eventAttributes != event.getAttributes()) {
                if (maskedEvents == null) {
                    maskedEvents = new ArrayList<>(events);
                }
                maskedEvents.set(i, EventData.create(event.getEpochNanos(), event.getName(), eventAttributes,
                        event.getTotalAttributeCount()));
            }
        }
        if (maskedDescription == description && attributes == span.getAttributes() && maskedEvents == null) {
            return span;
        }
        StatusData maskedStatus = (maskedDescription == description) ? status
                : StatusData.create(status.getStatusCode(), maskedDescription);
        List<EventData> finalEvents = (maskedEvents != null) ? List.copyOf(maskedEvents) : events;
        return new DelegatingSpanData(span) {

            @Override
            public StatusData getStatus() {
                return maskedStatus;
            }

            @Override
            public Attributes getAttributes() {
                return attributes;
            }

            @Override
            public List<EventData> getEvents() {
                return finalEvents;
            }

        };
    }

    private static Attributes maskAttributes(Attributes attributes) {
        AttributesBuilder builder = null;
        for (AttributeKey<String> key : MASKED_KEYS) {
            String value = attributes.get(key);
            if (value != null) {
                String masked = Secrets.mask(value);
                if (masked != value) {
                    if (builder == null) {
                        builder = attributes.toBuilder();
                    }
                    builder.put(key, masked);
                }
            }
        }
        return (builder != null) ? builder.build() : attributes;
    }

    @Override
    public CompletableResultCode flush() {
        return this.delegate.flush();
    }

    @Override
    public CompletableResultCode shutdown() {
        return this.delegate.shutdown();
    }

    @Override
    public void close() {
        this.delegate.close();
    }

    @Override
    public String toString() {
        return "MaskingSpanExporter{" + this.delegate + "}";
    }

}
