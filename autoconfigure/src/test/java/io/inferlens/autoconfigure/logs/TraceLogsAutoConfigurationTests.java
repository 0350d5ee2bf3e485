package io.inferlens.autoconfigure.logs;

import ch.qos.logback.classic.LoggerContext;
import io.inferlens.logs.InMemoryTraceLogStore;
import io.inferlens.logs.LogLevel;
import io.inferlens.logs.LogbackTraceLogAppender;
import io.inferlens.logs.TraceLogEvent;
import io.inferlens.logs.TraceLogStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link TraceLogsAutoConfiguration}.
 *
 * @author Inferlens
 */
class TraceLogsAutoConfigurationTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(TraceLogsAutoConfiguration.class));

    private final LoggerContext loggerContext = (LoggerContext) LoggerFactory.getILoggerFactory();

    @AfterEach
    void clearMdc() {
        MDC.clear();
    }

    @Test
    void providesStoreWithDefaultBoundsAndAttachedAppender() {
        this.contextRunner.run((context) -> {
            InMemoryTraceLogStore store = context.getBean(InMemoryTraceLogStore.class);
            assertThat(store.getMaxTraces()).isEqualTo(1000);
            assertThat(store.getMaxEventsPerTrace()).isEqualTo(50);
            assertThat(store.getMaxMessageLength()).isEqualTo(500);
            assertThat(store.getLevel()).isEqualTo(LogLevel.INFO);
            LogbackTraceLogAppender appender = context.getBean(LogbackTraceLogAppender.class);
            assertThat(appender.isAttachedTo(this.loggerContext)).isTrue();
            MDC.put("traceId", "t-defaults");
            MDC.put("spanId", "s1");
            LoggerFactory.getLogger("com.example.Chat").info("hello");
            LoggerFactory.getLogger("com.example.Chat").debug("below the default level");
            assertThat(store.forTrace("t-defaults")).singleElement().satisfies((event) -> {
                assertThat(event.message()).isEqualTo("hello");
                assertThat(event.spanId()).isEqualTo("s1");
            });
        });
    }

    @Test
    void appenderIsDetachedWhenTheContextCloses() {
        LogbackTraceLogAppender[] appender = new LogbackTraceLogAppender[1];
        this.contextRunner.run((context) -> appender[0] = context.getBean(LogbackTraceLogAppender.class));
        assertThat(appender[0].isAttachedTo(this.loggerContext)).isFalse();
        assertThat(appender[0].isStarted()).isFalse();
    }

    @Test
    void boundsLevelAndMdcKeysAreConfigurable() {
        this.contextRunner
            .withPropertyValues("inferlens.trace-logs.max-traces=5", "inferlens.trace-logs.max-events-per-trace=2",
                    "inferlens.trace-logs.max-message-length=10", "inferlens.trace-logs.level=warn",
                    "inferlens.trace-logs.trace-id-key=trace_id", "inferlens.trace-logs.span-id-key=span_id")
            .run((context) -> {
                InMemoryTraceLogStore store = context.getBean(InMemoryTraceLogStore.class);
                assertThat(store.getMaxTraces()).isEqualTo(5);
                assertThat(store.getMaxEventsPerTrace()).isEqualTo(2);
                assertThat(store.getMaxMessageLength()).isEqualTo(10);
                assertThat(store.getLevel()).isEqualTo(LogLevel.WARN);
                MDC.put("trace_id", "t-custom");
                MDC.put("span_id", "s-custom");
                org.slf4j.Logger logger = LoggerFactory.getLogger("com.example.Chat");
                logger.info("info is below warn");
                logger.warn("a warning longer than ten characters");
                logger.error("one");
                logger.error("two");
                assertThat(store.forTrace("t-custom")).extracting(TraceLogEvent::message).containsExactly("one", "two");
                assertThat(store.forTrace("t-custom")).allMatch((event) -> "s-custom".equals(event.spanId()));
                assertThat(store.droppedEvents("t-custom")).isEqualTo(1);
            });
    }

    @Test
    void invalidBoundsFailStartupNamingTheProperty() {
        for (String key : new String[] { "max-traces", "max-events-per-trace", "max-message-length" }) {
            this.contextRunner.withPropertyValues("inferlens.trace-logs." + key + "=0").run((context) -> {
                assertThat(context).hasFailed();
                assertThat(context.getStartupFailure()).rootCause()
                    .hasMessage("inferlens.trace-logs." + key + " must be at least 1, but was 0");
            });
        }
    }

    @Test
    void emptyMdcKeyFailsStartupNamingTheProperty() {
        this.contextRunner.withPropertyValues("inferlens.trace-logs.trace-id-key= ").run((context) -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                .hasMessage("inferlens.trace-logs.trace-id-key must not be empty");
        });
    }

    @Test
    void unknownLevelFailsStartupNamingTheProperty() {
        this.contextRunner.withPropertyValues("inferlens.trace-logs.level=verbose").run((context) -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).hasStackTraceContaining("inferlens.trace-logs.level")
                .hasStackTraceContaining("verbose");
        });
    }

    @Test
    void backsOffWhenUserDefinesStore() {
        InMemoryTraceLogStore userStore = new InMemoryTraceLogStore(1, 1, 1, LogLevel.ERROR);
        this.contextRunner.withBean("userStore", TraceLogStore.class, () -> userStore).run((context) -> {
            assertThat(context).hasSingleBean(TraceLogStore.class);
            assertThat(context.getBean(TraceLogStore.class)).isSameAs(userStore);
            MDC.put("traceId", "t-user");
            LoggerFactory.getLogger("com.example.Chat").error("kept by the user's store");
            assertThat(userStore.forTrace("t-user")).hasSize(1);
        });
    }

    @Test
    void backsOffWhenUserDefinesAppender() {
        InMemoryTraceLogStore userStore = new InMemoryTraceLogStore(10, 10, 100, LogLevel.INFO);
        LogbackTraceLogAppender userAppender = new LogbackTraceLogAppender(userStore, "userTraceId", "userSpanId");
        this.contextRunner.withBean("userAppender", LogbackTraceLogAppender.class, () -> userAppender)
            .run((context) -> {
                assertThat(context.getBean(LogbackTraceLogAppender.class)).isSameAs(userAppender);
                assertThat(userAppender.isAttachedTo(this.loggerContext)).isTrue();
                MDC.put("userTraceId", "t-user-appender");
                LoggerFactory.getLogger("com.example.Chat").info("kept through the user's appender");
                assertThat(userStore.forTrace("t-user-appender")).hasSize(1);
                assertThat(context.getBean(InMemoryTraceLogStore.class).forTrace("t-user-appender")).isEmpty();
            });
    }

    @Test
    void nothingIsConfiguredWhenTraceLogsAreDisabled() {
        this.contextRunner.withPropertyValues("inferlens.trace-logs.enabled=false").run((context) -> {
            assertThat(context).doesNotHaveBean(TraceLogStore.class);
            assertThat(context).doesNotHaveBean(LogbackTraceLogAppender.class);
            assertThat(context).doesNotHaveBean(TraceLogsProperties.class);
        });
    }

    @Test
    void nothingIsConfiguredWhenInferlensIsDisabled() {
        this.contextRunner.withPropertyValues("inferlens.enabled=false").run((context) -> {
            assertThat(context).doesNotHaveBean(TraceLogStore.class);
            assertThat(context).doesNotHaveBean(LogbackTraceLogAppender.class);
        });
    }

    @Test
    void storeWithoutAppenderWithoutLogback() {
        this.contextRunner.withClassLoader(new FilteredClassLoader(LoggerContext.class)).run((context) -> {
            assertThat(context).hasNotFailed();
            assertThat(context).hasSingleBean(TraceLogStore.class);
            assertThat(context).doesNotHaveBean(LogbackTraceLogAppender.class);
            assertThat(context).doesNotHaveBean(TraceLogAppenderLifecycle.class);
        });
    }

}
