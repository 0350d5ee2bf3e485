package io.inferlens.observation;

import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.logging.Log;
import org.jspecify.annotations.Nullable;

/**
 * Logs a kind of failure once at WARN, then at DEBUG, so that a broken extractor or
 * handler is reported without flooding the log on every call.
 *
 * @author Inferlens
 */
public final class FailureLog {

    private final Log logger;

    private final String format;

    private final AtomicBoolean logged = new AtomicBoolean();

    /**
     * Create a log of one kind of failure.
     * @param logger the logger
     * @param format the message, a {@link String#format} pattern with one {@code %s} for
     * the detail of each failure
     */
    public FailureLog(Log logger, String format) {
        this.logger = logger;
        this.format = format;
    }

    /**
     * Log a failure.
     * @param detail what failed, put into the message
     * @param ex the exception, or {@code null}
     */
    public void log(String detail, @Nullable Throwable ex) {
        if (this.logged.compareAndSet(false, true)) {
            this.logger.warn(String.format(this.format, detail) + " (further failures are logged at DEBUG)", ex);
        }
        else if (this.logger.isDebugEnabled()) {
            this.logger.debug(String.format(this.format, detail), ex);
        }
    }

}
