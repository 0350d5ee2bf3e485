package io.inferlens.autoconfigure.logs;

import ch.qos.logback.classic.LoggerContext;
import io.inferlens.logs.LogbackTraceLogAppender;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Attaches a {@link LogbackTraceLogAppender} to Logback's root logger when the
 * application context starts, after Spring Boot has initialized Logback, and detaches it
 * when the context stops. Its phase is early, so the appender is there while the other
 * lifecycle beans, such as web servers, start and stop.
 *
 * @author Inferlens
 */
public class TraceLogAppenderLifecycle implements SmartLifecycle {

    /**
     * The phase: early, so the appender is attached before other lifecycle beans start
     * and detached after they stop.
     */
    public static final int PHASE = Integer.MIN_VALUE + 1000;

    private final LogbackTraceLogAppender appender;

    private volatile boolean running;

    /**
     * Create a lifecycle for an appender.
     * @param appender the appender
     */
    public TraceLogAppenderLifecycle(LogbackTraceLogAppender appender) {
        this.appender = appender;
    }

    @Override
    public void start() {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (factory instanceof LoggerContext context) {
            this.appender.attach(context);
            this.running = true;
        }
    }

    @Override
    public void stop() {
        this.appender.detach();
        this.running = false;
    }

    @Override
    public boolean isRunning() {
        return this.running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

}
