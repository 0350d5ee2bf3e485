package io.inferlens.sample.gateway;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Features of a chat request that the router scores candidates on.
 *
 * @param words words the user wrote
 * @param questions question marks the user wrote
 * @param cue whether the user asked for reasoning (explain, compare, prove, ...)
 * @param turns messages in the conversation
 * @param complexity the complexity score, from 0 to 1, derived from the above
 * @author Inferlens
 */
public record Features(int words, int questions, boolean cue, int turns, double complexity) {

    private static final Pattern COMPLEX_CUES = Pattern
        .compile("\\b(explain|analy[sz]e|compare|prove|derive|design|step by step|implement|debug|refactor|why)\\b");

    /**
     * Extract the features of a conversation.
     * @param messages the conversation
     * @return its features
     */
    public static Features of(List<ChatMessage> messages) {
        int words = 0;
        int questions = 0;
        boolean cue = false;
        for (ChatMessage message : messages) {
            if (!"user".equals(message.role())) {
                continue;
            }
            String text = message.content().toLowerCase(Locale.ROOT);
            words += text.isBlank() ? 0 : text.trim().split("\\s+").length;
            questions += (int) text.chars().filter((c) -> c == '?').count();
            cue = cue || COMPLEX_CUES.matcher(text).find();
        }
        double score = 0.5 * Math.min(1.0, words / 120.0);
        score += cue ? 0.5 : 0.0;
        score += (questions > 1) ? 0.1 : 0.0;
        score += (messages.size() > 6) ? 0.1 : 0.0;
        return new Features(words, questions, cue, messages.size(), Math.min(1.0, score));
    }

}
