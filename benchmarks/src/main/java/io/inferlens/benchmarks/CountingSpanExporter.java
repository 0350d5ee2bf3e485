package io.inferlens.benchmarks;

import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.jspecify.annotations.Nullable;

/**
 * {@link SpanExporter} that sends nothing anywhere, so that sampled benchmarks pay for
 * recording and batching spans but not for a network. It counts what it is given, which
 * proves that a sampled benchmark really sampled, and keeps the first span, whose
 * attributes show what a sampled call records.
 *
 * @author Inferlens
 */
public class CountingSpanExporter implements SpanExporter {

    private static final int MAX_NAMES = 8;

    private final LongAdder exported = new LongAdder();

    private final Set<String> names = ConcurrentHashMap.newKeySet();

    private final AtomicReference<@Nullable SpanData> first = new AtomicReference<>();

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
        this.exported.add(spans.size());
        if (this.first.get() == null && !spans.isEmpty()) {
            this.first.compareAndSet(null, spans.iterator().next());
        }
        if (this.names.size() < MAX_NAMES) {
            for (SpanData span : spans) {
                this.names.add(span.getName());
            }
        }
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
    }

    /**
     * Number of spans exported so far.
     * @return the number of spans
     */
    public long getExported() {
        return this.exported.sum();
    }

    /**
     * Names of the first few distinct spans exported.
     * @return the span names
     */
    public Set<String> getNames() {
        return Set.copyOf(this.names);
    }

    /**
     * The first span exported.
     * @return the span, or {@code null} if none was exported
     */
    public @Nullable SpanData getFirst() {
        return this.first.get();
    }

}
