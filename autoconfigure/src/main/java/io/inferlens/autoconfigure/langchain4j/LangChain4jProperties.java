package io.inferlens.autoconfigure.langchain4j;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties for the observation of LangChain4j chat models.
 *
 * @author Inferlens
 */
@ConfigurationProperties("inferlens.langchain4j")
public class LangChain4jProperties {

    /**
     * Whether the calls of LangChain4j chat models are observed, through a
     * ChatModelListener bean that LangChain4j's Spring Boot starters attach to the models
     * they create.
     */
    private boolean enabled = true;

    public boolean isEnabled() {
        return this.enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

}
