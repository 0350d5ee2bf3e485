package io.inferlens.logs;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import io.inferlens.observation.FailureLog;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.slf4j.event.KeyValuePair;

/**
 * A Logback appender that keeps the events logged within a trace in a
 * {@link TraceLogStore}. The trace and span ids are read from the event's MDC, where
 * Micrometer Tracing puts them (under {@code traceId} and {@code spanId} by default);
 * events with no trace id are skipped, and so are events below the store's level, before
 * anything is built.
 * <p>
 * Appending never throws: a failing store is logged once at WARN, then at DEBUG, and the
 * logging call goes on. The appender skips its own failure messages, since Logback does
 * not guard appenders against re-entry.
 *
 * @author Inferlens
 */
public class LogbackTraceLogAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {

    /**
     * The name of the appender.
     */
    public static final String NAME = "INFERLENS_TRACE_LOGS";

    /**
     * The default MDC key of the trace id, the one Micrometer Tracing sets.
     */
    public static final String DEFAULT_TRACE_ID_KEY = "traceId";

    /**
     * The default MDC key of the span id, the one Micrometer Tracing sets.
     */
    public static final String DEFAULT_SPAN_ID_KEY = "spanId";

    private static final String LOGGER_NAME = LogbackTraceLogAppender.class.getName();

    private static final Log logger = LogFactory.getLog(LogbackTraceLogAppender.class);

    private final FailureLog failures = new FailureLog(logger, "Failed to keep a log event of trace %s");

    private final TraceLogStore store;

    private final String traceIdKey;

    private final String spanIdKey;

    private @Nullable LoggerContext attachedTo;

    /**
     * Create an appender reading the trace and span ids under Micrometer Tracing's keys.
     * @param store where events are kept
     */
    public LogbackTraceLogAppender(TraceLogStore store) {
        this(store, DEFAULT_TRACE_ID_KEY, DEFAULT_SPAN_ID_KEY);
    }

    /**
     * Create an appender.
     * @param store where events are kept
     * @param traceIdKey the MDC key of the trace id
     * @param spanIdKey the MDC key of the span id
     */
    public LogbackTraceLogAppender(TraceLogStore store, String traceIdKey, String spanIdKey) {
        this.store = store;
        this.traceIdKey = traceIdKey;
        this.spanIdKey = spanIdKey;
        setName(NAME);
    }

    /**
     * Start the appender and attach it to the root logger of a logger context.
     * @param context the logger context
     */
    public synchronized void attach(LoggerContext context) {
        detach();
        setContext(context);
        start();
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(this);
        this.attachedTo = context;
    }

    /**
     * Detach the appender from the root logger it was attached to, if any, and stop it.
     */
    public synchronized void detach() {
        LoggerContext context = this.attachedTo;
        if (context != null) {
            context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(this);
            this.attachedTo = null;
        }
        stop();
    }

    /**
     * Whether the appender is attached to the root logger of a logger context.
     * @param context the logger context
     * @return whether it is attached there
     */
    public boolean isAttachedTo(LoggerContext context) {
        return context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).isAttached(this);
    }

    @Override
    protected void append(ILoggingEvent event) {
        String traceId = null;
        try {
            LogLevel level = level(event.getLevel());
            if (level == null || !this.store.isEnabled(level)) {
                return;
            }
            String loggerName = event.getLoggerName();
            if (LOGGER_NAME.equals(loggerName)) {
                return;
            }
            Map<String, String> mdc = event.getMDCPropertyMap();
            traceId = (mdc != null) ? mdc.get(this.traceIdKey) : null;
            if (traceId == null || traceId.isEmpty()) {
                return;
            }
            String message = event.getFormattedMessage();
            IThrowableProxy throwable = event.getThrowableProxy();
            this.store.append(new TraceLogEvent(event.getInstant(), level, loggerName, event.getThreadName(),
                    (message != null) ? message : "", traceId, mdc.get(this.spanIdKey),
                    (throwable != null) ? throwable.getClassName() : null,
                    (throwable != null) ? throwable.getMessage() : null, keyValues(event.getKeyValuePairs())));
        }
        catch (Throwable ex) {
            try {
                this.failures.log(String.valueOf(traceId), ex);
            }
            catch (Throwable ignored) {
                // Nothing left to do: the logging call must go on.
            }
        }
    }

    private static @Nullable LogLevel level(@Nullable Level level) {
        if (level == null) {
            return null;
        }
        return switch (level.toInt()) {
            case Level.TRACE_INT -> LogLevel.TRACE;
            case Level.DEBUG_INT -> LogLevel.DEBUG;
            case Level.INFO_INT -> LogLevel.INFO;
            case Level.WARN_INT -> LogLevel.WARN;
            case Level.ERROR_INT -> LogLevel.ERROR;
            default -> null;
        };
    }

    private static Map<String, String> keyValues(@Nullable List<KeyValuePair> pairs) {
        if (pairs == null || pairs.isEmpty()) {
            return Map.of();
        }
        Map<String, String> keyValues = new LinkedHashMap<>();
        for (KeyValuePair pair : pairs) {
            if (keyValues.size() == InMemoryTraceLogStore.MAX_KEY_VALUES) {
                break;
            }
            if (pair.key != null) {
                keyValues.put(pair.key, String.valueOf(pair.value));
            }
        }
        return keyValues;
    }

}
