package io.inferlens.inference;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    static final String MASK = "****";

    private static final Pattern SECRETS = Pattern
        .compile("(?i)(bearer\\s+)[A-Za-z0-9._~+/=-]+" + "|\\b(?:sk|pk|rk)-[A-Za-z0-9_-]{8,}"
                + "|((?:api[_-]?key|access[_-]?token|refresh[_-]?token|token|secret|password|passwd|authorization)"
                + "[\"']?\\s*[:=]\\s*[\"']?(?:(?:basic|bearer|digest|negotiate|token)\\s+)?)([^\"'\\s,;}&]+)");

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
        String masked = mask(String.valueOf(value));
        if (masked.length() <= this.maxLength) {
            return masked;
        }
        // the ellipsis counts in the maximum length; never split a surrogate pair
        int end = this.maxLength - 1;
        if (end > 0 && Character.isHighSurrogate(masked.charAt(end - 1))) {
            end--;
        }
        return masked.substring(0, end) + "…";
    }

    /**
     * Mask the secrets in a text.
     * @param text the text
     * @return the text with its secrets masked
     */
    public static String mask(String text) {
        Matcher matcher = SECRETS.matcher(text);
        StringBuilder masked = new StringBuilder(text.length());
        while (matcher.find()) {
            String replacement;
            if (matcher.group(1) != null) {
                replacement = matcher.group(1) + MASK;
            }
            else if (matcher.group(2) != null) {
                replacement = matcher.group(2) + MASK;
            }
            else {
                replacement = MASK;
            }
            matcher.appendReplacement(masked, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(masked);
        return masked.toString();
    }

}
