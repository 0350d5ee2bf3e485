package io.inferlens.web;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Decides whether the name of a query parameter, JSON field or header denotes a secret.
 * <p>
 * A name is split into words, at every character that is not a letter or digit and at
 * camel-case boundaries, and lower-cased: {@code access_token}, {@code accessToken} and
 * {@code ACCESS-TOKEN} are all {@code access token}, {@code XApiKey} is
 * {@code x api key}. It matches when some run of consecutive words, joined, equals a
 * sensitive name written the same way without separators ({@code api_key},
 * {@code api-key} and {@code apiKey} are all {@code apikey}). So {@code token} masks
 * {@code access_token}, {@code refresh-token} and {@code sessionToken}, {@code api_key}
 * masks {@code x-api-key} and {@code apiKey}, but {@code max_tokens},
 * {@code prompt_tokens} and {@code tokenizer} are kept: matching whole words rather than
 * substrings keeps the token counts of model APIs readable.
 *
 * @author Inferlens
 */
public final class SensitiveNames {

    /**
     * Names that are always sensitive.
     */
    public static final List<String> DEFAULTS = List.of("password", "passwd", "token", "api_key", "secret",
            "authorization", "private_key");

    private final Set<String> names;

    private final int longest;

    private SensitiveNames(Set<String> names) {
        this.names = Set.copyOf(names);
        this.longest = names.stream().mapToInt(String::length).max().orElse(0);
    }

    /**
     * The default sensitive names plus more.
     * @param additional further sensitive names, in any case and with any separators
     * @return the sensitive names
     */
    public static SensitiveNames withDefaultsAnd(Collection<String> additional) {
        Set<String> names = new LinkedHashSet<>();
        for (String name : DEFAULTS) {
            names.add(normalize(name));
        }
        for (String name : additional) {
            String normalized = normalize(name);
            if (!normalized.isEmpty()) {
                names.add(normalized);
            }
        }
        return new SensitiveNames(names);
    }

    /**
     * Whether a name denotes a secret.
     * @param name the name of a parameter, field or header
     * @return whether a run of its words is a sensitive name
     */
    public boolean matches(String name) {
        List<String> words = words(name);
        for (int start = 0; start < words.size(); start++) {
            StringBuilder joined = new StringBuilder();
            for (int end = start; end < words.size(); end++) {
                joined.append(words.get(end));
                if (joined.length() > this.longest) {
                    break;
                }
                if (this.names.contains(joined.toString())) {
                    return true;
                }
            }
        }
        return false;
    }

    static String normalize(String name) {
        StringBuilder normalized = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isLetterOrDigit(c)) {
                normalized.append(Character.toLowerCase(c));
            }
        }
        return normalized.toString();
    }

    static List<String> words(String name) {
        List<String> words = new ArrayList<>(4);
        int start = -1;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!Character.isLetterOrDigit(c)) {
                if (start >= 0) {
                    words.add(name.substring(start, i).toLowerCase(Locale.ROOT));
                    start = -1;
                }
                continue;
            }
            if (start >= 0 && isCamelBoundary(name, i)) {
                words.add(name.substring(start, i).toLowerCase(Locale.ROOT));
                start = i;
            }
            if (start < 0) {
                start = i;
            }
        }
        if (start >= 0) {
            words.add(name.substring(start).toLowerCase(Locale.ROOT));
        }
        return words;
    }

    private static boolean isCamelBoundary(String name, int i) {
        char c = name.charAt(i);
        if (!Character.isUpperCase(c)) {
            return false;
        }
        char previous = name.charAt(i - 1);
        if (Character.isLowerCase(previous) || Character.isDigit(previous)) {
            return true;
        }
        // An acronym followed by a word: the last capital starts the word (XApiKey).
        return Character.isUpperCase(previous) && i + 1 < name.length() && Character.isLowerCase(name.charAt(i + 1));
    }

}
