package io.inferlens.web;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.inferlens.privacy.Secrets;

/**
 * Masks what a request log line would otherwise leak: credentials in headers, sensitive
 * query parameters and JSON body fields. Values are replaced by {@link Secrets#MASK};
 * whatever is kept still goes through {@link Secrets#mask(String)}, which catches bearer
 * tokens and API keys wherever they appear.
 * <ul>
 * <li>A header is masked when its name, ignoring case, is one of
 * {@link #DEFAULT_MASKED_HEADERS} or the configured masked headers, or when it matches
 * the sensitive parameter names ({@code X-Auth-Token}).</li>
 * <li>A query parameter is masked when its (decoded) name matches the sensitive parameter
 * names, a JSON field when its name matches the sensitive field names; both are
 * {@link SensitiveNames}: the defaults ({@code password}, {@code token}, {@code api_key},
 * {@code secret}, ...) plus configured ones, matched by whole words ({@code access_token}
 * and {@code apiKey} are masked, {@code max_tokens} is not).</li>
 * </ul>
 * JSON is masked by a scanner over the text rather than a parser, so that truncated or
 * malformed bodies are masked too: the value of a sensitive field, whatever its type, is
 * replaced by {@code "****"}; an unterminated value is masked to the end of the text.
 *
 * @author Inferlens
 */
public final class RequestLogMasker {

    /**
     * Headers that are always masked, in lower case.
     */
    public static final Set<String> DEFAULT_MASKED_HEADERS = Set.of("authorization", "proxy-authorization", "cookie",
            "set-cookie", "x-api-key", "api-key");

    private static final String MASKED_JSON_VALUE = "\"" + Secrets.MASK + "\"";

    private final Set<String> maskedHeaders;

    private final SensitiveNames parameters;

    private final SensitiveNames fields;

    /**
     * Create a masker with the default rules only.
     */
    public RequestLogMasker() {
        this(List.of(), List.of(), List.of());
    }

    /**
     * Create a masker with the default rules and more.
     * @param maskedHeaders further headers to mask, in any case
     * @param maskedParameters further sensitive query parameter names
     * @param maskedFields further sensitive JSON field names
     */
    public RequestLogMasker(Collection<String> maskedHeaders, Collection<String> maskedParameters,
            Collection<String> maskedFields) {
        Set<String> headers = new HashSet<>(DEFAULT_MASKED_HEADERS);
        for (String header : maskedHeaders) {
            headers.add(header.trim().toLowerCase(Locale.ROOT));
        }
        this.maskedHeaders = Set.copyOf(headers);
        this.parameters = SensitiveNames.withDefaultsAnd(maskedParameters);
        this.fields = SensitiveNames.withDefaultsAnd(maskedFields);
    }

    /**
     * Whether the value of a header is masked.
     * @param name the header's name, in any case
     * @return whether it is masked
     */
    public boolean isMaskedHeader(String name) {
        return this.maskedHeaders.contains(name.toLowerCase(Locale.ROOT)) || this.parameters.matches(name);
    }

    /**
     * The loggable value of a header.
     * @param name the header's name
     * @param value its value
     * @return {@link Secrets#MASK} for a masked header, otherwise the value with secrets
     * masked
     */
    public String maskHeader(String name, String value) {
        return isMaskedHeader(name) ? Secrets.MASK : Secrets.mask(value);
    }

    /**
     * Whether a query parameter is masked.
     * @param name the parameter's decoded name
     * @return whether it is masked
     */
    public boolean isMaskedParameter(String name) {
        return this.parameters.matches(name);
    }

    /**
     * Whether a JSON field is masked.
     * @param name the field's name
     * @return whether it is masked
     */
    public boolean isMaskedField(String name) {
        return this.fields.matches(name);
    }

    /**
     * The loggable form of a query string: the values of sensitive parameters replaced by
     * {@link Secrets#MASK}, then secrets masked. Names and kept values stay encoded as
     * they were received.
     * @param query the raw query string
     * @return the masked query string
     */
    public String maskQuery(String query) {
        StringBuilder masked = new StringBuilder(query.length());
        int start = 0;
        while (start <= query.length()) {
            int end = query.indexOf('&', start);
            if (end < 0) {
                end = query.length();
            }
            String pair = query.substring(start, end);
            int equals = pair.indexOf('=');
            if (equals >= 0 && isMaskedParameter(decode(pair.substring(0, equals)))) {
                masked.append(pair, 0, equals + 1).append(Secrets.MASK);
            }
            else {
                masked.append(pair);
            }
            if (end < query.length()) {
                masked.append('&');
            }
            start = end + 1;
        }
        return Secrets.mask(masked.toString());
    }

    /**
     * The loggable form of a JSON text, possibly truncated or malformed: the value of
     * every sensitive field replaced by {@code "****"}, then secrets masked.
     * @param json the text
     * @return the masked text
     */
    public String maskJson(String json) {
        StringBuilder masked = null;
        int copied = 0;
        int length = json.length();
        int i = 0;
        while (i < length) {
            if (json.charAt(i) != '"') {
                i++;
                continue;
            }
            int end = endOfString(json, i);
            int colon = skipWhitespace(json, end);
            if (colon < length && json.charAt(colon) == ':'
                    && isMaskedField(json.substring(i + 1, Math.max(i + 1, end - 1)))) {
                int valueStart = skipWhitespace(json, colon + 1);
                int valueEnd = endOfValue(json, valueStart);
                if (masked == null) {
                    masked = new StringBuilder(length + 16);
                }
                masked.append(json, copied, valueStart).append(MASKED_JSON_VALUE);
                copied = valueEnd;
                i = valueEnd;
            }
            else {
                i = end;
            }
        }
        if (masked == null) {
            return Secrets.mask(json);
        }
        masked.append(json, copied, length);
        return Secrets.mask(masked.toString());
    }

    private static String decode(String name) {
        try {
            return URLDecoder.decode(name, StandardCharsets.UTF_8);
        }
        catch (IllegalArgumentException ex) {
            return name;
        }
    }

    /**
     * The index after the string starting with the quote at {@code start}, or the length
     * of the text when it is unterminated.
     */
    private static int endOfString(String text, int start) {
        int i = start + 1;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '\\') {
                i += 2;
            }
            else if (c == '"') {
                return i + 1;
            }
            else {
                i++;
            }
        }
        return text.length();
    }

    private static int skipWhitespace(String text, int start) {
        int i = start;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    /**
     * The index after the value starting at {@code start}: a string, a nested object or
     * array (brackets balanced, strings skipped), or a literal up to the next delimiter.
     */
    private static int endOfValue(String text, int start) {
        if (start >= text.length()) {
            return start;
        }
        char first = text.charAt(start);
        if (first == '"') {
            return endOfString(text, start);
        }
        if (first == '{' || first == '[') {
            int depth = 0;
            int i = start;
            while (i < text.length()) {
                char c = text.charAt(i);
                if (c == '"') {
                    i = endOfString(text, i);
                    continue;
                }
                if (c == '{' || c == '[') {
                    depth++;
                }
                else if (c == '}' || c == ']') {
                    depth--;
                    if (depth == 0) {
                        return i + 1;
                    }
                }
                i++;
            }
            return text.length();
        }
        int i = start;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == ',' || c == '}' || c == ']' || Character.isWhitespace(c)) {
                break;
            }
            i++;
        }
        return i;
    }

}
