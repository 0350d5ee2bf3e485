package io.inferlens.autoconfigure.routing;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties for the instrumentation of routers.
 *
 * @author Inferlens
 */
@ConfigurationProperties("inferlens.routing")
public class InferlensRoutingProperties {

    /**
     * Whether routing calls (@TracedRouting methods and RoutingRecorder) are observed:
     * the routing_request span and its stages, and their meters.
     */
    private boolean enabled = true;

    public boolean isEnabled() {
        return this.enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

}
