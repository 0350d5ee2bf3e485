package io.inferlens.autoconfigure.logs;

import ch.qos.logback.classic.LoggerContext;
import io.inferlens.logs.InMemoryTraceLogStore;
import io.inferlens.logs.LogbackTraceLogAppender;
import io.inferlens.logs.TraceLogStore;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Auto-configuration of logs per trace: an {@link InMemoryTraceLogStore} keeping recent
 * log events by trace id within the bounds of {@code inferlens.trace-logs.*}, and, when
 * Logback is the logging system in use, a {@link LogbackTraceLogAppender} feeding it from
 * every logger.
 * <p>
 * The appender is attached to Logback's root logger when the application context starts
 * and detached when it stops, by a {@link SmartLifecycle}: Spring Boot's logging system
 * initializes Logback, resetting its loggers and their appenders, before the context is
 * refreshed, so an appender attached any earlier would be removed.
 *
 * @author Inferlens
 */
@AutoConfiguration
@ConditionalOnBooleanProperty(name = { "inferlens.enabled", "inferlens.trace-logs.enabled" }, matchIfMissing = true)
@EnableConfigurationProperties(TraceLogsProperties.class)
public final class TraceLogsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(TraceLogStore.class)
    InMemoryTraceLogStore inferlensTraceLogStore(TraceLogsProperties properties) {
        return new InMemoryTraceLogStore(properties.getMaxTraces(), properties.getMaxEventsPerTrace(),
                properties.getMaxMessageLength(), properties.getLevel());
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = { "ch.qos.logback.classic.LoggerContext", "org.slf4j.LoggerFactory" })
    @Conditional(LogbackInUseCondition.class)
    static class LogbackConfiguration {

        @Bean
        @ConditionalOnMissingBean
        LogbackTraceLogAppender inferlensTraceLogAppender(TraceLogStore store, TraceLogsProperties properties) {
            return new LogbackTraceLogAppender(store, properties.getTraceIdKey(), properties.getSpanIdKey());
        }

        @Bean
        @ConditionalOnMissingBean
        TraceLogAppenderLifecycle inferlensTraceLogAppenderLifecycle(LogbackTraceLogAppender appender) {
            return new TraceLogAppenderLifecycle(appender);
        }

    }

    /**
     * Matches when SLF4J is bound to Logback. Evaluated after the class conditions, so
     * Logback's classes are there.
     */
    static class LogbackInUseCondition extends SpringBootCondition {

        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            Object factory = LoggerFactory.getILoggerFactory();
            if (factory instanceof LoggerContext) {
                return ConditionOutcome.match("SLF4J is bound to Logback");
            }
            return ConditionOutcome.noMatch("SLF4J is bound to " + factory.getClass().getName() + ", not Logback");
        }

    }

}
