package io.inferlens.sample.simulator;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A deterministic stand-in for a tokenizer: every word and every punctuation mark is one
 * token. Real tokenizers count differently, but token counts derived from the text are
 * what the simulation needs.
 *
 * @author Inferlens
 */
final class Tokens {

    private static final Pattern TOKEN = Pattern.compile("[\\p{L}\\p{N}_]+|[^\\p{L}\\p{N}_\\s]");

    /**
     * Tokens a chat message costs beyond its text, as OpenAI's models charge for roles
     * and separators.
     */
    static final int PER_MESSAGE_OVERHEAD = 3;

    private Tokens() {
    }

    static int count(String text) {
        Matcher matcher = TOKEN.matcher(text);
        int count = 0;
        while (matcher.find()) {
            count++;
        }
        return count;
    }

    /**
     * The beginning of the text up to and including its given number of tokens.
     * @param text the text
     * @param limit the number of tokens to keep
     * @return the text itself when it has no more tokens than that
     */
    static String truncate(String text, int limit) {
        Matcher matcher = TOKEN.matcher(text);
        int kept = 0;
        while (matcher.find()) {
            if (kept == limit) {
                return text.substring(0, matcher.start()).stripTrailing();
            }
            kept++;
        }
        return text;
    }

}
