package io.inferlens.errors;

import java.time.Clock;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

import io.inferlens.observation.ErrorTypes;
import io.inferlens.observation.FailureLog;
import io.inferlens.observation.TraceContextResolver;
import io.inferlens.privacy.Secrets;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The default {@link ErrorTracker}. For each error captured for the first time it:
 * <ul>
 * <li>counts it in {@code inferlens.errors} (Prometheus {@code inferlens_errors_total}),
 * tagged {@code error.type} (the exception's class name by default) and
 * {@code operation}, when there is a meter registry;</li>
 * <li>logs it, at ERROR for an exception, on the logger {@code io.inferlens.errors}, with
 * the trace and span ids, the fingerprint and the masked message as key-value pairs, so
 * that structured logging renders them as fields;</li>
 * <li>records it in {@link RecentErrors}, grouped by fingerprint;</li>
 * <li>hands it to every {@link ErrorReporter}.</li>
 * </ul>
 * Exceptions already captured, and the exceptions they cause, are remembered weakly, by
 * identity, so that one failure seen by several layers is captured once. Messages are
 * masked with {@link Secrets#mask(String)}, in the log line too: an exception whose
 * messages carry a secret is logged as a masked copy with the same stack trace.
 *
 * @author Inferlens
 */
public class DefaultErrorTracker implements ErrorTracker {

    /**
     * Name of the counter.
     */
    public static final String METER_NAME = "inferlens.errors";

    static final int MAX_CACHED_COUNTERS = 4096;

    private static final int MAX_CAUSE_DEPTH = 32;

    private static final Logger errorLogger = LoggerFactory.getLogger("io.inferlens.errors");

    private static final org.apache.commons.logging.Log logger = org.apache.commons.logging.LogFactory
        .getLog(DefaultErrorTracker.class);

    private final @Nullable MeterRegistry registry;

    private final ErrorClassifier classifier;

    private final RecentErrors recentErrors;

    private final List<ErrorReporter> reporters;

    private final TraceContextResolver traceContext;

    private final ErrorFingerprints fingerprints;

    private final int maxMessageLength;

    private final boolean logStackTraces;

    private final Clock clock;

    private final Set<Throwable> captured = Collections.newSetFromMap(Collections.synchronizedMap(new WeakHashMap<>()));

    private final Map<CounterKey, Counter> counters = new ConcurrentHashMap<>();

    private final FailureLog failures = new FailureLog(logger, "%s; the operation that failed is unaffected");

    private DefaultErrorTracker(Builder builder) {
        this.registry = builder.registry;
        this.classifier = builder.classifier;
        this.recentErrors = builder.recentErrors;
        this.reporters = List.copyOf(builder.reporters);
        this.traceContext = builder.traceContext;
        this.fingerprints = builder.fingerprints;
        this.maxMessageLength = builder.maxMessageLength;
        this.logStackTraces = builder.logStackTraces;
        this.clock = builder.clock;
    }

    /**
     * A builder of a tracker that stores errors in the given store.
     * @param recentErrors the store of recent errors
     * @return the builder
     */
    public static Builder builder(RecentErrors recentErrors) {
        return new Builder(recentErrors);
    }

    /**
     * The store this tracker records errors in.
     * @return the store
     */
    public RecentErrors getRecentErrors() {
        return this.recentErrors;
    }

    @Override
    public boolean captureException(Throwable error, ErrorContext context) {
        try {
            if (!markCaptured(error)) {
                return false;
            }
            String frame = this.fingerprints.topApplicationFrame(error);
            String rawMessage = error.getMessage();
            String message = (rawMessage != null) ? mask(rawMessage) : "";
            TraceContextResolver.TraceIds ids = traceIds(context);
            CapturedError captured = new CapturedError(this.clock.instant(), Severity.ERROR, error.getClass().getName(),
                    errorType(error), message, this.fingerprints.fingerprint(error, frame), frame, context.operation(),
                    (ids != null) ? ids.traceId() : null, (ids != null) ? ids.spanId() : null, context.attributes(),
                    error);
            handle(captured);
            return true;
        }
        catch (RuntimeException | LinkageError ex) {
            this.failures.log("Failed to capture an error", ex);
            return false;
        }
    }

    @Override
    public void captureMessage(String message, Severity severity, ErrorContext context) {
        try {
            String masked = mask(message);
            TraceContextResolver.TraceIds ids = traceIds(context);
            CapturedError captured = new CapturedError(this.clock.instant(), severity, "message", "message", masked,
                    "message:" + context.operation() + ":" + masked, null, context.operation(),
                    (ids != null) ? ids.traceId() : null, (ids != null) ? ids.spanId() : null, context.attributes(),
                    null);
            handle(captured);
        }
        catch (RuntimeException | LinkageError ex) {
            this.failures.log("Failed to capture an error", ex);
        }
    }

    // each step is guarded on its own, so that one failing loses nothing of the others
    private void handle(CapturedError error) {
        if (error.severity().compareTo(Severity.ERROR) >= 0) {
            try {
                count(error);
            }
            catch (RuntimeException | LinkageError ex) {
                this.failures.log("Failed to count an error in " + METER_NAME, ex);
            }
        }
        try {
            log(error);
        }
        catch (RuntimeException | LinkageError ex) {
            this.failures.log("Failed to log a captured error", ex);
        }
        try {
            this.recentErrors.record(error);
        }
        catch (RuntimeException | LinkageError ex) {
            this.failures.log("Failed to store a captured error", ex);
        }
        for (ErrorReporter reporter : this.reporters) {
            try {
                reporter.report(error);
            }
            catch (RuntimeException | LinkageError ex) {
                this.failures.log("ErrorReporter " + reporter.getClass().getName() + " failed", ex);
            }
        }
    }

    /**
     * Remember an exception as captured, unless it or one of its causes was.
     */
    private boolean markCaptured(Throwable error) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Throwable candidate = error;
        synchronized (this.captured) {
            for (int depth = 0; candidate != null && depth < MAX_CAUSE_DEPTH && seen.add(candidate); depth++) {
                if (this.captured.contains(candidate)) {
                    return false;
                }
                candidate = candidate.getCause();
            }
            this.captured.add(error);
            return true;
        }
    }

    private TraceContextResolver.@Nullable TraceIds traceIds(ErrorContext context) {
        String traceId = context.traceId();
        if (traceId != null) {
            return new TraceContextResolver.TraceIds(traceId, context.spanId());
        }
        try {
            return this.traceContext.current();
        }
        catch (RuntimeException ex) {
            this.failures.log("Failed to find the trace of an error", ex);
            return null;
        }
    }

    private String errorType(Throwable error) {
        try {
            String type = this.classifier.classify(error);
            if (type != null && !type.isBlank()) {
                return type;
            }
        }
        catch (RuntimeException | LinkageError ex) {
            this.failures.log("ErrorClassifier " + this.classifier.getClass().getName()
                    + " failed; the exception's class name is used as error type", ex);
        }
        return ErrorTypes.of(error);
    }

    private String mask(String text) {
        return Secrets.truncate(Secrets.mask(text), this.maxMessageLength);
    }

    private void count(CapturedError error) {
        MeterRegistry registry = this.registry;
        if (registry == null) {
            return;
        }
        CounterKey key = new CounterKey(error.operation(), error.errorType());
        Counter counter = this.counters.get(key);
        if (counter == null) {
            counter = Counter.builder(METER_NAME)
                .description("Errors seen by Inferlens' instrumentation, by type and operation")
                .tag(ErrorTypes.KEY, key.errorType())
                .tag("operation", key.operation())
                .register(registry);
            if (this.counters.size() < MAX_CACHED_COUNTERS) {
                this.counters.putIfAbsent(key, counter);
            }
        }
        counter.increment();
    }

    private void log(CapturedError error) {
        Level level = level(error.severity());
        if (!errorLogger.isEnabledForLevel(level)) {
            return;
        }
        LoggingEventBuilder event = errorLogger.atLevel(level)
            .addKeyValue("inferlens.error.type", error.type())
            .addKeyValue("inferlens.error.fingerprint", error.fingerprint())
            .addKeyValue("inferlens.operation", error.operation());
        if (error.traceId() != null) {
            event = event.addKeyValue("trace.id", error.traceId());
        }
        if (error.spanId() != null) {
            event = event.addKeyValue("span.id", error.spanId());
        }
        Throwable exception = error.exception();
        if (exception != null && this.logStackTraces) {
            event = event.setCause(MaskedThrowable.maskedIfNeeded(exception, Secrets::mask));
        }
        String where = (error.frame() != null) ? " at " + error.frame() : "";
        String trace = (error.traceId() != null) ? " [trace_id=" + error.traceId() + "]" : "";
        event.log("Captured {} in {}{}: {}{}", (exception != null) ? error.type() : "message", error.operation(), where,
                error.message(), trace);
    }

    private static Level level(Severity severity) {
        return switch (severity) {
            case DEBUG -> Level.DEBUG;
            case INFO -> Level.INFO;
            case WARNING -> Level.WARN;
            case ERROR, FATAL -> Level.ERROR;
        };
    }

    private record CounterKey(String operation, String errorType) {

    }

    /**
     * Builder of a {@link DefaultErrorTracker}.
     */
    public static final class Builder {

        private final RecentErrors recentErrors;

        private @Nullable MeterRegistry registry;

        private ErrorClassifier classifier = ErrorClassifier.DEFAULT;

        private List<ErrorReporter> reporters = List.of();

        private TraceContextResolver traceContext = TraceContextResolver.MDC_KEYS;

        private ErrorFingerprints fingerprints = new ErrorFingerprints();

        private int maxMessageLength = 1000;

        private boolean logStackTraces = true;

        private Clock clock = Clock.systemUTC();

        private Builder(RecentErrors recentErrors) {
            this.recentErrors = recentErrors;
        }

        /**
         * Count errors in this registry.
         * @param registry the registry, or {@code null} to count nothing
         * @return this builder
         */
        public Builder meterRegistry(@Nullable MeterRegistry registry) {
            this.registry = registry;
            return this;
        }

        /**
         * Classify errors with this classifier.
         * @param classifier the classifier
         * @return this builder
         */
        public Builder classifier(ErrorClassifier classifier) {
            this.classifier = classifier;
            return this;
        }

        /**
         * Hand errors to these reporters.
         * @param reporters the reporters, in order
         * @return this builder
         */
        public Builder reporters(List<ErrorReporter> reporters) {
            this.reporters = reporters;
            return this;
        }

        /**
         * Find trace ids with this resolver.
         * @param traceContext the resolver
         * @return this builder
         */
        public Builder traceContext(TraceContextResolver traceContext) {
            this.traceContext = traceContext;
            return this;
        }

        /**
         * Fingerprint exceptions with these fingerprints.
         * @param fingerprints the fingerprints
         * @return this builder
         */
        public Builder fingerprints(ErrorFingerprints fingerprints) {
            this.fingerprints = fingerprints;
            return this;
        }

        /**
         * Cut messages to this length.
         * @param maxMessageLength the maximum length, at least 1
         * @return this builder
         */
        public Builder maxMessageLength(int maxMessageLength) {
            if (maxMessageLength < 1) {
                throw new IllegalArgumentException("maxMessageLength must be at least 1, was " + maxMessageLength);
            }
            this.maxMessageLength = maxMessageLength;
            return this;
        }

        /**
         * Whether the ERROR line carries the exception's stack trace.
         * @param logStackTraces whether it does
         * @return this builder
         */
        public Builder logStackTraces(boolean logStackTraces) {
            this.logStackTraces = logStackTraces;
            return this;
        }

        /**
         * Time errors with this clock.
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /**
         * Build the tracker.
         * @return the tracker
         */
        public DefaultErrorTracker build() {
            return new DefaultErrorTracker(this);
        }

    }

}
