package io.inferlens.web;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import io.inferlens.privacy.Secrets;
import org.jspecify.annotations.Nullable;

/**
 * Turns a captured body into loggable text: only text and JSON content types are logged,
 * decoded with their charset (UTF-8 when none is given), JSON fields and secrets masked,
 * and truncated to the maximum body size with an ellipsis.
 *
 * @author Inferlens
 */
public final class BodyText {

    private BodyText() {
    }

    /**
     * Whether a body of a content type is logged: {@code text/*},
     * {@code application/json} and {@code application/*+json}.
     */
    public static boolean isLoggable(@Nullable String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = mediaType(contentType);
        return type.startsWith("text/") || type.equals("application/json")
                || (type.startsWith("application/") && type.endsWith("+json"));
    }

    /**
     * The loggable text of a body.
     * @param bytes the captured bytes, possibly more than {@code limit}
     * @param length how many of them were captured
     * @param contentType the body's content type
     * @param limit the maximum size, in bytes, of the logged text
     * @param masker the masker
     * @return the text, or {@code null} when there is no body
     */
    public static @Nullable String of(byte[] bytes, int length, String contentType, int limit,
            RequestLogMasker masker) {
        if (length == 0) {
            return null;
        }
        boolean truncated = length > limit;
        String text = new String(bytes, 0, Math.min(length, limit), charset(contentType));
        if (truncated) {
            // A multi-byte character cut by the limit decodes to a replacement character.
            int end = text.length();
            while (end > 0 && text.charAt(end - 1) == '\uFFFD') {
                end--;
            }
            text = text.substring(0, end);
        }
        return finish(text, truncated, contentType, limit, masker);
    }

    /**
     * The loggable text of a body captured as characters.
     */
    public static @Nullable String of(CharSequence chars, boolean truncated, String contentType, int limit,
            RequestLogMasker masker) {
        if (chars.isEmpty()) {
            return null;
        }
        return finish(chars.toString(), truncated, contentType, limit, masker);
    }

    private static String finish(String text, boolean truncated, String contentType, int limit,
            RequestLogMasker masker) {
        String masked = mediaType(contentType).contains("json") ? masker.maskJson(text) : Secrets.mask(text);
        // Masking may lengthen the text a little: the limit applies to what is logged.
        return Secrets.truncate(truncated ? masked + "…" : masked, Math.max(1, limit));
    }

    private static String mediaType(String contentType) {
        int semicolon = contentType.indexOf(';');
        String type = (semicolon >= 0) ? contentType.substring(0, semicolon) : contentType;
        return type.trim().toLowerCase(Locale.ROOT);
    }

    public static Charset charset(@Nullable String contentType) {
        if (contentType != null) {
            int index = contentType.toLowerCase(Locale.ROOT).indexOf("charset=");
            if (index >= 0) {
                String name = contentType.substring(index + 8).split("[;,\\s]", 2)[0].replace("\"", "");
                try {
                    return Charset.forName(name);
                }
                catch (RuntimeException ex) {
                    return StandardCharsets.UTF_8;
                }
            }
        }
        return StandardCharsets.UTF_8;
    }

}
