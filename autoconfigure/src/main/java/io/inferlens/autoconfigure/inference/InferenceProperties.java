package io.inferlens.autoconfigure.inference;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of the observation of model calls.
 *
 * @author Inferlens
 */
@ConfigurationProperties("inferlens.inference")
public class InferenceProperties {

    /**
     * Provider recorded as gen_ai.provider.name for calls whose annotation or recorder
     * call names none, such as "openai", "anthropic" or "aws.bedrock".
     */
    private String defaultProvider = "openai";

    /**
     * Whether to record prompts and completions on spans (gen_ai.input.messages and
     * gen_ai.output.messages), with secrets masked. They may hold personal data.
     */
    private boolean captureContent;

    /**
     * Maximum length, in characters, of captured prompts and completions.
     */
    private int maxContentLength = 4096;

    public String getDefaultProvider() {
        return this.defaultProvider;
    }

    public void setDefaultProvider(String defaultProvider) {
        if (defaultProvider.isBlank()) {
            throw new IllegalArgumentException("inferlens.inference.default-provider must not be blank");
        }
        this.defaultProvider = defaultProvider.trim();
    }

    public boolean isCaptureContent() {
        return this.captureContent;
    }

    public void setCaptureContent(boolean captureContent) {
        this.captureContent = captureContent;
    }

    public int getMaxContentLength() {
        return this.maxContentLength;
    }

    public void setMaxContentLength(int maxContentLength) {
        if (maxContentLength < 1) {
            throw new IllegalArgumentException(
                    "inferlens.inference.max-content-length must be at least 1, was " + maxContentLength);
        }
        this.maxContentLength = maxContentLength;
    }

}
