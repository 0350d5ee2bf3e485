package io.inferlens.autoconfigure.health;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties of the Inferlens health indicator. Whether it is on at all is
 * Spring Boot's {@code management.health.inferlens.enabled}.
 *
 * @author Inferlens
 */
@ConfigurationProperties(InferlensHealthProperties.PREFIX)
public class InferlensHealthProperties {

    /**
     * Prefix of the properties.
     */
    public static final String PREFIX = "inferlens.health";

    /**
     * Error rate of the recent requests, between 0 and 1, above which the application is
     * degraded. Needs the rolling statistics (inferlens.stats).
     */
    private double errorRateThreshold = 0.25;

    /**
     * Window of recent requests whose error rate is checked, from 10s to 15m.
     */
    private Duration window = Duration.ofMinutes(5);

    /**
     * Fewest requests in the window for the error rate to count, so that one failure of
     * few requests does not degrade the application.
     */
    private long minimumRequests = 20;

    /**
     * Health status reported when degraded. Spring Boot leaves statuses it does not know
     * out of the aggregate status until they are listed in
     * 'management.endpoint.health.status.order'; DOWN or OUT_OF_SERVICE also work.
     */
    private String status = "DEGRADED";

    public double getErrorRateThreshold() {
        return this.errorRateThreshold;
    }

    public void setErrorRateThreshold(double errorRateThreshold) {
        this.errorRateThreshold = errorRateThreshold;
    }

    public Duration getWindow() {
        return this.window;
    }

    public void setWindow(Duration window) {
        this.window = window;
    }

    public long getMinimumRequests() {
        return this.minimumRequests;
    }

    public void setMinimumRequests(long minimumRequests) {
        this.minimumRequests = minimumRequests;
    }

    public String getStatus() {
        return this.status;
    }

    public void setStatus(String status) {
        this.status = status;
    }

}
