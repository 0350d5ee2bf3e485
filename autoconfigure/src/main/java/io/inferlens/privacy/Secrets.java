package io.inferlens.privacy;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Masks the secrets in free text: bearer tokens, {@code sk-}, {@code pk-} and {@code rk-}
 * API keys, and the values of keys such as {@code api_key}, {@code access_token},
 * {@code token}, {@code secret}, {@code password} or {@code authorization}, whether they
 * appear as JSON members, query parameters or {@code key=value} pairs. Every piece of
 * text Inferlens records, logs or exports that may carry user data goes through it.
 *
 * @author Inferlens
 */
public final class Secrets {

    /**
     * What a masked secret is replaced with.
     */
    public static final String MASK = "****";

    /**
     * Longest name {@link #safeName(String)} keeps.
     */
    public static final int MAX_NAME_LENGTH = 128;

    /**
     * Longest part of a name the patterns look at, so that a huge name costs little.
     */
    private static final int MAX_MASKED_LENGTH = 4096;

    /**
     * Endings of the key names of {@link #SECRETS} that a plain name could hold.
     */
    private static final String[] SECRET_KEY_ENDINGS = { "key", "token", "secret", "password", "passwd",
            "authorization" };

    private static final Pattern SECRETS = Pattern
        .compile("(?i)(bearer\\s+)[A-Za-z0-9._~+/=-]+" + "|\\b(?:sk|pk|rk)-[A-Za-z0-9_-]{8,}"
                + "|((?:api[_-]?key|access[_-]?token|refresh[_-]?token|token|secret|password|passwd|authorization)"
                + "[\"']?\\s*[:=]\\s*[\"']?(?:(?:basic|bearer|digest|negotiate|token)\\s+)?)([^\"'\\s,;}&]+)");

    private Secrets() {
    }

    /**
     * Mask the secrets in a text.
     * @param text the text
     * @return the text with its secrets masked, the same instance when it has none
     */
    public static String mask(String text) {
        Matcher matcher = SECRETS.matcher(text);
        if (!matcher.find()) {
            return text;
        }
        StringBuilder masked = new StringBuilder(text.length());
        do {
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
        while (matcher.find());
        matcher.appendTail(masked);
        return masked.toString();
    }

    /**
     * A name that came from callers or a backend (a model, a circuit breaker), made safe
     * to record as a span attribute, a metric tag or a log value: cut to
     * {@value #MAX_NAME_LENGTH} characters, with control characters replaced by {@code ?}
     * and secrets masked, so that an API key sent where a model name belongs is not
     * exported. A short name of letters, digits and {@code . _ : / @ -} with no
     * {@code k-} in it, which is what model names look like, is returned as it is without
     * running the secret patterns, unless a colon follows a key name such as
     * {@code token}.
     * @param name the name, or {@code null}
     * @return the safe name, the same instance when it needed nothing, or {@code null}
     */
    public static @Nullable String safeName(@Nullable String name) {
        if (name == null || isPlainName(name)) {
            return name;
        }
        // Masked before anything else: a tab or newline is whitespace to the patterns
        // ("Bearer\tkey"), and a cut could leave too little of a key to be recognised.
        String masked = mask(truncate(name, MAX_MASKED_LENGTH));
        StringBuilder safe = null;
        for (int i = 0; i < masked.length(); i++) {
            if (Character.isISOControl(masked.charAt(i))) {
                safe = new StringBuilder(masked.length());
                for (int j = 0; j < masked.length(); j++) {
                    char c = masked.charAt(j);
                    safe.append(Character.isISOControl(c) ? '?' : c);
                }
                break;
            }
        }
        return truncate((safe != null) ? safe.toString() : masked, MAX_NAME_LENGTH);
    }

    private static boolean isPlainName(String name) {
        if (name.length() > MAX_NAME_LENGTH) {
            return false;
        }
        char previous = 0;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.'
                    || c == '_' || c == ':' || c == '/' || c == '@' || (c == '-' && previous != 'k' && previous != 'K');
            if (!plain || (c == ':' && followsSecretKey(name, i))) {
                return false;
            }
            previous = c;
        }
        return true;
    }

    /**
     * Whether the colon at the given index follows a name the secret patterns treat as a
     * key ({@code token:…}, {@code api_key:…}), so that the patterns must decide.
     */
    private static boolean followsSecretKey(String name, int colon) {
        for (String key : SECRET_KEY_ENDINGS) {
            if (colon >= key.length() && name.regionMatches(true, colon - key.length(), key, 0, key.length())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Mask the value of a key-value pair (an attribute, a log key-value) as the text
     * {@code key=value} would be masked, so that a pair such as {@code api_key -> abc} is
     * masked by the key's name as well as by the value's shape.
     * @param key the key
     * @param value the value
     * @return the value, the same instance when nothing was masked
     */
    public static String maskValue(String key, String value) {
        String pair = key + "=" + value;
        String masked = mask(pair);
        if (masked == pair) {
            return value;
        }
        return (masked.startsWith(key + "=")) ? masked.substring(key.length() + 1) : MASK;
    }

    /**
     * Cut a text to a maximum length, an ellipsis included, without splitting a surrogate
     * pair.
     * @param text the text
     * @param maxLength the maximum length, at least 1
     * @return the text, or its beginning followed by an ellipsis
     */
    public static String truncate(String text, int maxLength) {
        if (text.length() <= maxLength) {
            return text;
        }
        int end = maxLength - 1;
        if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end) + "…";
    }

}
