package io.inferlens.autoconfigure.errors;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties for Inferlens' error capture.
 *
 * @author Inferlens
 */
@ConfigurationProperties(ErrorsProperties.PREFIX)
public class ErrorsProperties {

    static final String PREFIX = "inferlens.errors";

    /**
     * Maximum number of distinct errors, by fingerprint, kept in the store of recent
     * errors; the one seen least recently is evicted first.
     */
    private int maxGroups = 100;

    /**
     * Maximum number of trace ids kept per error in the store of recent errors.
     */
    private int maxTraceIdsPerGroup = 10;

    /**
     * Maximum length of a stored or logged error message, in characters.
     */
    private int maxMessageLength = 1000;

    /**
     * Whether the ERROR line logged for a captured exception carries its stack trace.
     */
    private boolean logStackTraces = true;

    /**
     * Packages of the application's code, whose first frame in a stack trace fingerprints
     * an exception. When empty, the first frame that is not a known framework's.
     */
    private List<String> applicationPackages = new ArrayList<>();

    /**
     * Whether exceptions that Spring MVC or Spring WebFlux answers with a client error
     * status (4xx) are captured.
     */
    private boolean captureClientErrors = false;

    public int getMaxGroups() {
        return this.maxGroups;
    }

    public void setMaxGroups(int maxGroups) {
        atLeast("max-groups", maxGroups, 1);
        this.maxGroups = maxGroups;
    }

    public int getMaxTraceIdsPerGroup() {
        return this.maxTraceIdsPerGroup;
    }

    public void setMaxTraceIdsPerGroup(int maxTraceIdsPerGroup) {
        atLeast("max-trace-ids-per-group", maxTraceIdsPerGroup, 0);
        this.maxTraceIdsPerGroup = maxTraceIdsPerGroup;
    }

    public int getMaxMessageLength() {
        return this.maxMessageLength;
    }

    public void setMaxMessageLength(int maxMessageLength) {
        atLeast("max-message-length", maxMessageLength, 1);
        this.maxMessageLength = maxMessageLength;
    }

    public boolean isLogStackTraces() {
        return this.logStackTraces;
    }

    public void setLogStackTraces(boolean logStackTraces) {
        this.logStackTraces = logStackTraces;
    }

    public List<String> getApplicationPackages() {
        return this.applicationPackages;
    }

    public void setApplicationPackages(List<String> applicationPackages) {
        this.applicationPackages = applicationPackages;
    }

    public boolean isCaptureClientErrors() {
        return this.captureClientErrors;
    }

    public void setCaptureClientErrors(boolean captureClientErrors) {
        this.captureClientErrors = captureClientErrors;
    }

    private static void atLeast(String key, int value, int minimum) {
        if (value < minimum) {
            throw new IllegalArgumentException(
                    PREFIX + "." + key + " must be at least " + minimum + ", but was " + value);
        }
    }

}
