package io.inferlens.logs;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Tests for {@link LogbackTraceLogAppender}, with a Logback {@link LoggerContext} of
 * their own.
 *
 * @author Inferlens
 */
@ExtendWith(OutputCaptureExtension.class)
class LogbackTraceLogAppenderTests {

    private final LoggerContext loggerContext = new LoggerContext();

    private final InMemoryTraceLogStore store = new InMemoryTraceLogStore(100, 100, 2000, LogLevel.INFO);

    private final LogbackTraceLogAppender appender = new LogbackTraceLogAppender(this.store);

    private final Logger logger = this.loggerContext.getLogger("com.example.Chat");

    @BeforeEach
    void attach() {
        this.loggerContext.setMDCAdapter(MDC.getMDCAdapter());
        this.loggerContext.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.DEBUG);
        this.appender.attach(this.loggerContext);
    }

    @AfterEach
    void cleanUp() {
        this.appender.detach();
        this.loggerContext.stop();
        MDC.clear();
    }

    @Test
    void eventWithATraceIdInTheMdcIsKeptUnderIt() {
        MDC.put("traceId", "4bf92f3577b34da6a3ce929d0e0e4736");
        MDC.put("spanId", "00f067aa0ba902b7");
        this.logger.info("Calling {} for {}", "gpt-4o", "alice");
        List<TraceLogEvent> events = this.store.forTrace("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(events).singleElement().satisfies((event) -> {
            assertThat(event.message()).isEqualTo("Calling gpt-4o for alice");
            assertThat(event.level()).isEqualTo(LogLevel.INFO);
            assertThat(event.loggerName()).isEqualTo("com.example.Chat");
            assertThat(event.threadName()).isEqualTo(Thread.currentThread().getName());
            assertThat(event.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
            assertThat(event.spanId()).isEqualTo("00f067aa0ba902b7");
            assertThat(event.throwableClass()).isNull();
            assertThat(event.throwableMessage()).isNull();
            assertThat(event.keyValues()).isEmpty();
            assertThat(event.timestamp()).isBeforeOrEqualTo(java.time.Instant.now());
        });
    }

    @Test
    void eventWithoutATraceIdIsNotKept() {
        MDC.put("spanId", "00f067aa0ba902b7");
        this.logger.info("outside any trace");
        MDC.put("traceId", "");
        this.logger.info("empty trace id");
        assertThat(this.store.traceCount()).isZero();
    }

    @Test
    void eventBelowTheLevelOfTheStoreIsNotKept() {
        MDC.put("traceId", "t1");
        this.logger.debug("detail");
        this.logger.warn("slow");
        assertThat(this.store.forTrace("t1")).extracting(TraceLogEvent::level).containsExactly(LogLevel.WARN);
    }

    @Test
    void everyLevelIsMapped() {
        InMemoryTraceLogStore store = new InMemoryTraceLogStore(10, 10, 100, LogLevel.TRACE);
        LogbackTraceLogAppender appender = new LogbackTraceLogAppender(store);
        this.loggerContext.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.TRACE);
        appender.attach(this.loggerContext);
        try {
            MDC.put("traceId", "t1");
            this.logger.trace("t");
            this.logger.debug("d");
            this.logger.info("i");
            this.logger.warn("w");
            this.logger.error("e");
            assertThat(store.forTrace("t1")).extracting(TraceLogEvent::level)
                .containsExactly(LogLevel.TRACE, LogLevel.DEBUG, LogLevel.INFO, LogLevel.WARN, LogLevel.ERROR);
        }
        finally {
            appender.detach();
        }
    }

    @Test
    void keyValuePairsAreKeptInOrder() {
        MDC.put("traceId", "t1");
        this.logger.atInfo()
            .setMessage("answered")
            .addKeyValue("model", "gpt-4o")
            .addKeyValue("tokens", 42)
            .addKeyValue("cached", (Object) null)
            .log();
        assertThat(this.store.forTrace("t1")).singleElement()
            .satisfies((event) -> assertThat(event.keyValues()).containsExactly(Map.entry("model", "gpt-4o"),
                    Map.entry("tokens", "42"), Map.entry("cached", "null")));
    }

    @Test
    void throwableClassAndMessageAreKept() {
        MDC.put("traceId", "t1");
        this.logger.error("model call failed", new IOException("connection reset"));
        assertThat(this.store.forTrace("t1")).singleElement().satisfies((event) -> {
            assertThat(event.message()).isEqualTo("model call failed");
            assertThat(event.throwableClass()).isEqualTo("java.io.IOException");
            assertThat(event.throwableMessage()).isEqualTo("connection reset");
        });
    }

    @Test
    void customMdcKeysAreRead() {
        InMemoryTraceLogStore store = new InMemoryTraceLogStore(10, 10, 100, LogLevel.INFO);
        LogbackTraceLogAppender appender = new LogbackTraceLogAppender(store, "trace_id", "span_id");
        appender.attach(this.loggerContext);
        try {
            MDC.put("trace_id", "t9");
            MDC.put("span_id", "s9");
            MDC.put("traceId", "ignored");
            this.logger.info("custom keys");
            assertThat(store.forTrace("t9")).singleElement()
                .satisfies((event) -> assertThat(event.spanId()).isEqualTo("s9"));
            assertThat(store.forTrace("ignored")).isEmpty();
        }
        finally {
            appender.detach();
        }
    }

    @Test
    void failingStoreNeverBreaksTheLoggingCall(CapturedOutput capturedOutput) {
        ListAppender<ILoggingEvent> output = new ListAppender<>();
        output.setContext(this.loggerContext);
        output.start();
        this.loggerContext.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(output);
        LogbackTraceLogAppender failing = new LogbackTraceLogAppender(new FailingStore());
        failing.attach(this.loggerContext);
        try {
            MDC.put("traceId", "t1");
            assertThatNoException().isThrownBy(() -> {
                this.logger.info("first");
                this.logger.info("second");
            });
            // The other appenders still get the events.
            assertThat(output.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly("first", "second");
            assertThat(this.store.forTrace("t1")).extracting(TraceLogEvent::message).containsExactly("first", "second");
            // The failure is logged once at WARN (through the application's logging).
            assertThat(capturedOutput.getAll().split("Failed to keep a log event of trace t1", -1)).hasSize(2);
            assertThat(capturedOutput).contains("store is broken");
        }
        finally {
            failing.detach();
        }
    }

    @Test
    void failuresLoggedThroughTheSameLogbackAreNotAppendedAgain(CapturedOutput capturedOutput) {
        LoggerContext applicationContext = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger failureLogger = applicationContext.getLogger(LogbackTraceLogAppender.class);
        Level previousLevel = failureLogger.getLevel();
        FailingStore store = new FailingStore();
        LogbackTraceLogAppender failing = new LogbackTraceLogAppender(store);
        failureLogger.setLevel(Level.DEBUG);
        failing.attach(applicationContext);
        try {
            MDC.put("traceId", "t1");
            applicationContext.getLogger("com.example.Chat").info("first");
            applicationContext.getLogger("com.example.Chat").info("second");
            // Without skipping its own messages, each failure message would fail again.
            assertThat(store.appends).hasValue(2);
            assertThat(capturedOutput.getAll().split("Failed to keep a log event of trace t1", -1)).hasSize(3);
        }
        finally {
            failing.detach();
            failureLogger.setLevel(previousLevel);
        }
    }

    @Test
    void detachRemovesTheAppenderFromTheRootLogger() {
        assertThat(this.appender.isAttachedTo(this.loggerContext)).isTrue();
        assertThat(this.appender.isStarted()).isTrue();
        this.appender.detach();
        assertThat(this.appender.isAttachedTo(this.loggerContext)).isFalse();
        assertThat(this.appender.isStarted()).isFalse();
        MDC.put("traceId", "t1");
        this.logger.info("after detach");
        assertThat(this.store.forTrace("t1")).isEmpty();
    }

    static class FailingStore implements TraceLogStore {

        final AtomicInteger appends = new AtomicInteger();

        @Override
        public void append(TraceLogEvent event) {
            this.appends.incrementAndGet();
            throw new IllegalStateException("store is broken");
        }

        @Override
        public List<TraceLogEvent> forTrace(String traceId) {
            return List.of();
        }

        @Override
        public List<TraceLogEvent> forTrace(String traceId, LogLevel minLevel) {
            return List.of();
        }

        @Override
        public long droppedEvents(String traceId) {
            return 0;
        }

        @Override
        public List<TraceLogEvent> recent(LogLevel minLevel, int limit) {
            return List.of();
        }

        @Override
        public void clear() {
        }

    }

}
