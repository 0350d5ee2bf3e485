package io.inferlens.inference;

import io.inferlens.privacy.Secrets;
import org.jspecify.annotations.Nullable;

/**
 * Whether prompts and completions are recorded on spans, and their masking when they are.
 * Off by default: content is recorded only when a user opts in, and then secrets (bearer
 * tokens, API keys, values of keys such as {@code api_key}, {@code token},
 * {@code password} or {@code authorization}) are masked and the text is cut to a maximum
 * length.
 *
 * @author Inferlens
 */
public final class ContentCapture {

    /**
     * Capture nothing.
     */
    public static final ContentCapture DISABLED = new ContentCapture(false, 0);

    static final String MASK = Secrets.MASK;

    private final boolean enabled;

    private final int maxLength;

    /**
     * Create a capture policy.
     * @param enabled whether to capture content
     * @param maxLength the maximum length of captured text, in characters, an ellipsis
     * included
     * @throws IllegalArgumentException if content is captured and the maximum length is
     * less than 1
     */
    public ContentCapture(boolean enabled, int maxLength) {
        if (enabled && maxLength < 1) {
            throw new IllegalArgumentException("The maximum content length must be at least 1, was " + maxLength);
        }
        this.enabled = enabled;
        this.maxLength = maxLength;
    }

    /**
     * Whether content is captured.
     * @return whether it is captured
     */
    public boolean isEnabled() {
        return this.enabled;
    }

    /**
     * The text to record of a value: {@code null} when capture is disabled, else its
     * masked and shortened string form.
     * @param value the value
     * @return the text, or {@code null}
     */
    public @Nullable String capture(@Nullable Object value) {
        if (!this.enabled || value == null) {
            return null;
        }
        return Secrets.truncate(mask(String.valueOf(value)), this.maxLength);
    }

    /**
     * Mask the secrets in a text.
     * @param text the text
     * @return the text with its secrets masked
     */
    public static String mask(String text) {
        return Secrets.mask(text);
    }

}
