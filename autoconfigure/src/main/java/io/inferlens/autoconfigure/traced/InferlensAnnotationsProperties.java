package io.inferlens.autoconfigure.traced;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties for Inferlens' annotations.
 *
 * @author Inferlens
 */
@ConfigurationProperties("inferlens.annotations")
public class InferlensAnnotationsProperties {

    /**
     * Whether methods annotated with Inferlens' annotations, such as @Traced, are
     * observed.
     */
    private boolean enabled = true;

    public boolean isEnabled() {
        return this.enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

}
