package io.inferlens.propagation;

import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;

import io.inferlens.observation.FailureLog;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * A {@link TextMapPropagator} that wraps the application's propagator (Boot's composite
 * of W3C, B3 and baggage) and makes its W3C Trace Context extraction conform to Level 2
 * where OpenTelemetry's {@link W3CTraceContextPropagator} reads only the first value of
 * each header:
 * <ul>
 * <li>a request with more than one {@code traceparent} field starts a new trace (its
 * {@code traceparent} and {@code tracestate} are hidden from the delegate, which may
 * still extract B3 and baggage);</li>
 * <li>all {@code tracestate} fields are combined in order, and parsed with the Level 2
 * grammar by {@link W3CTraceState} (empty members skipped, of a duplicated key the first
 * member kept, up to {@value W3CTraceState#MAX_MEMBERS} members, {@code tenant@vendor}
 * and 256-character keys kept).</li>
 * </ul>
 * The {@code traceparent} itself is still parsed by OpenTelemetry, which follows the
 * versioning rules (version {@code ff}, all-zero ids, upper-case hex, extra fields with
 * version {@code 00} rejected; a higher version parsed as {@code 00}). Injection is the
 * delegate's: OpenTelemetry writes every member of the trace state.
 * <p>
 * Propagation never fails the request: on any failure the delegate's own result, or the
 * context unchanged, is returned and the failure logged once.
 *
 * @author Inferlens
 */
public final class StrictW3CTraceContextPropagator implements TextMapPropagator {

    static final String TRACEPARENT = "traceparent";

    static final String TRACESTATE = "tracestate";

    private final FailureLog extractFailures = new FailureLog(LogFactory.getLog(StrictW3CTraceContextPropagator.class),
            "Trace context extraction failed, request continues without it: %s");

    private final FailureLog injectFailures = new FailureLog(LogFactory.getLog(StrictW3CTraceContextPropagator.class),
            "Trace context injection failed, call continues without it: %s");

    private final TextMapPropagator delegate;

    /**
     * Create a propagator around the application's propagator.
     * @param delegate the propagator that extracts and injects every format
     */
    public StrictW3CTraceContextPropagator(TextMapPropagator delegate) {
        this.delegate = delegate;
    }

    /**
     * Return the propagator this one wraps.
     * @return the delegate
     */
    public TextMapPropagator getDelegate() {
        return this.delegate;
    }

    @Override
    public Collection<String> fields() {
        return this.delegate.fields();
    }

    @Override
    public <C> void inject(Context context, @Nullable C carrier, TextMapSetter<C> setter) {
        try {
            this.delegate.inject(context, carrier, setter);
        }
        catch (RuntimeException ex) {
            this.injectFailures.log(ex.toString(), ex);
        }
    }

    @Override
    public <C> Context extract(Context context, @Nullable C carrier, TextMapGetter<C> getter) {
        if (context == null) {
            return Context.root();
        }
        if (getter == null) {
            return context;
        }
        try {
            return extractStrictly(context, carrier, getter);
        }
        catch (RuntimeException ex) {
            this.extractFailures.log(ex.toString(), ex);
            return extractLeniently(context, carrier, getter);
        }
    }

    private <C> Context extractStrictly(Context context, @Nullable C carrier, TextMapGetter<C> getter) {
        Iterator<String> traceparents = getAll(getter, carrier, TRACEPARENT);
        if (!traceparents.hasNext()) {
            return this.delegate.extract(context, carrier, getter);
        }
        String traceparent = trimOws(traceparents.next());
        if (traceparents.hasNext()) {
            // RFC 9110 would combine the fields into one invalid value: a new trace
            return this.delegate.extract(context, carrier, new W3CHeaders<>(getter, null));
        }
        W3CHeaders<C> headers = new W3CHeaders<>(getter, traceparent);
        Context extracted = this.delegate.extract(context, carrier, headers);
        Iterator<String> tracestates = getAll(getter, carrier, TRACESTATE);
        if (!tracestates.hasNext()) {
            return extracted;
        }
        SpanContext spanContext = Span.fromContext(extracted).getSpanContext();
        if (!spanContext.isValid() || !spanContext.isRemote() || !isFromTraceparent(spanContext, carrier, headers)) {
            return extracted;
        }
        TraceState traceState = W3CTraceState.parse(tracestates);
        if (traceState.isEmpty()) {
            return extracted;
        }
        return extracted.with(Span.wrap(SpanContext.createFromRemoteParent(spanContext.getTraceId(),
                spanContext.getSpanId(), spanContext.getTraceFlags(), traceState)));
    }

    /**
     * Whether the delegate's span context is the one of the {@code traceparent}, not one
     * a B3 extractor ordered before W3C found.
     */
    private static <C> boolean isFromTraceparent(SpanContext spanContext, @Nullable C carrier, W3CHeaders<C> headers) {
        SpanContext fromTraceparent = Span
            .fromContext(W3CTraceContextPropagator.getInstance().extract(Context.root(), carrier, headers))
            .getSpanContext();
        return fromTraceparent.isValid() && fromTraceparent.getTraceId().equals(spanContext.getTraceId())
                && fromTraceparent.getSpanId().equals(spanContext.getSpanId());
    }

    private <C> Context extractLeniently(Context context, @Nullable C carrier, TextMapGetter<C> getter) {
        try {
            return this.delegate.extract(context, carrier, getter);
        }
        catch (RuntimeException ex) {
            this.extractFailures.log(ex.toString(), ex);
            return context;
        }
    }

    private static String trimOws(String value) {
        int start = 0;
        int end = value.length();
        while (start < end && (value.charAt(start) == ' ' || value.charAt(start) == '\t')) {
            start++;
        }
        while (end > start && (value.charAt(end - 1) == ' ' || value.charAt(end - 1) == '\t')) {
            end--;
        }
        return value.substring(start, end);
    }

    private static <C> Iterator<String> getAll(TextMapGetter<C> getter, @Nullable C carrier, String key) {
        Iterator<String> values = getter.getAll(carrier, key);
        return (values != null) ? values : Collections.emptyIterator();
    }

    @Override
    public String toString() {
        return "StrictW3CTraceContextPropagator{" + this.delegate + "}";
    }

    /**
     * The carrier as the delegate sees it: the single {@code traceparent}, or none when
     * it was duplicated, and no {@code tracestate}, which is parsed here instead.
     */
    private static final class W3CHeaders<C> implements TextMapGetter<C> {

        private final TextMapGetter<C> getter;

        private final @Nullable String traceparent;

        W3CHeaders(TextMapGetter<C> getter, @Nullable String traceparent) {
            this.getter = getter;
            this.traceparent = traceparent;
        }

        @Override
        public Iterable<String> keys(C carrier) {
            return this.getter.keys(carrier);
        }

        @Override
        public @Nullable String get(@Nullable C carrier, String key) {
            if (TRACEPARENT.equalsIgnoreCase(key)) {
                return this.traceparent;
            }
            if (TRACESTATE.equalsIgnoreCase(key)) {
                return null;
            }
            return this.getter.get(carrier, key);
        }

        @Override
        public Iterator<String> getAll(@Nullable C carrier, String key) {
            if (TRACEPARENT.equalsIgnoreCase(key)) {
                return (this.traceparent != null) ? Collections.singletonList(this.traceparent).iterator()
                        : Collections.emptyIterator();
            }
            if (TRACESTATE.equalsIgnoreCase(key)) {
                return Collections.emptyIterator();
            }
            return this.getter.getAll(carrier, key);
        }

    }

}
