package io.inferlens.tracing;

import java.util.Collection;
import java.util.function.Consumer;

import io.inferlens.observation.FailureLog;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * A {@link SpanExporter} for development that writes each finished span as one line of
 * JSON: {@code traceId}, {@code spanId}, {@code parentSpanId} ({@code null} for a root
 * span), {@code name}, {@code kind}, {@code start} (ISO-8601), {@code durationMillis},
 * {@code status} (and {@code statusDescription} when there is one), {@code attributes}
 * and {@code events} (each with {@code name}, {@code time} and {@code attributes}),
 * string values masked with {@link io.inferlens.privacy.Secrets#mask(String)}. By default
 * the lines go to the logger {@value #LOGGER_NAME} at INFO, so they follow the
 * application's logging configuration (format, appenders, levels) instead of bypassing it
 * as {@code System.out} would. Exporting never throws: a failure is logged once at WARN,
 * then at DEBUG, and reported as a failed result.
 *
 * @author Inferlens
 */
public final class ConsoleSpanExporter implements SpanExporter {

    /**
     * Name of the logger the spans are written to by default.
     */
    public static final String LOGGER_NAME = "io.inferlens.tracing.console";

    private final FailureLog failures = new FailureLog(LogFactory.getLog(ConsoleSpanExporter.class),
            "Failed to write span %s to the console");

    private final SpanJson json = new SpanJson();

    private final Consumer<String> lines;

    private final @Nullable Log logger;

    /**
     * Create an exporter that writes to the logger {@value #LOGGER_NAME} at INFO.
     */
    public ConsoleSpanExporter() {
        Log logger = LogFactory.getLog(LOGGER_NAME);
        this.logger = logger;
        this.lines = logger::info;
    }

    /**
     * Create an exporter that gives each line to a consumer.
     * @param lines the consumer of the lines, one JSON document per span
     */
    public ConsoleSpanExporter(Consumer<String> lines) {
        this.logger = null;
        this.lines = lines;
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
        if (this.logger != null && !this.logger.isInfoEnabled()) {
            return CompletableResultCode.ofSuccess();
        }
        boolean failed = false;
        try {
            for (SpanData span : spans) {
                try {
                    this.lines.accept(this.json.write(span));
                }
                catch (RuntimeException | LinkageError ex) {
                    failed = true;
                    this.failures.log("'" + span.getName() + "'", ex);
                }
            }
        }
        catch (RuntimeException ex) {
            failed = true;
            this.failures.log("batch", ex);
        }
        return failed ? CompletableResultCode.ofFailure() : CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public String toString() {
        return "ConsoleSpanExporter";
    }

}
