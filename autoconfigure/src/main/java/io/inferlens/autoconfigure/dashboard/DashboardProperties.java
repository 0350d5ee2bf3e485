package io.inferlens.autoconfigure.dashboard;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties of the Inferlens dashboard page.
 *
 * @author Inferlens
 */
@ConfigurationProperties(DashboardProperties.PREFIX)
public class DashboardProperties {

    /**
     * Prefix of the properties.
     */
    public static final String PREFIX = "inferlens.dashboard";

    /**
     * Whether to serve the dashboard page. It shows traces, errors and log lines of the
     * application to whoever can reach it, so secure its path as you would the actuator
     * endpoints.
     */
    private boolean enabled = false;

    /**
     * Path of the dashboard page within the application.
     */
    private String path = "/inferlens";

    /**
     * How often the page refreshes itself.
     */
    private Duration refresh = Duration.ofSeconds(5);

    /**
     * Path or URL of the inferlens endpoint that the page reads. When not set, the path
     * at which the endpoint is exposed on the application's server.
     */
    private @Nullable String apiPath;

    public boolean isEnabled() {
        return this.enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getPath() {
        return this.path;
    }

    public void setPath(String path) {
        this.path = path;
    }

    public Duration getRefresh() {
        return this.refresh;
    }

    public void setRefresh(Duration refresh) {
        this.refresh = refresh;
    }

    public @Nullable String getApiPath() {
        return this.apiPath;
    }

    public void setApiPath(@Nullable String apiPath) {
        this.apiPath = apiPath;
    }

}
