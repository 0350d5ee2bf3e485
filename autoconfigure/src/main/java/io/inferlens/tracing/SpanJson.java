package io.inferlens.tracing;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.inferlens.privacy.Secrets;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;

/**
 * Writes a finished span as one line of JSON, string values masked with
 * {@link Secrets#mask(String)}, the whole value masked when the attribute key itself
 * names a secret ({@code api_key}, {@code http.request.header.authorization}).
 *
 * @author Inferlens
 */
final class SpanJson {

    private static final int MAX_CACHED_KEYS = 1024;

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final Map<String, Boolean> secretKeys = new ConcurrentHashMap<>();

    String write(SpanData span) {
        StringBuilder json = new StringBuilder(256);
        json.append("{\"traceId\":");
        string(json, span.getTraceId());
        json.append(",\"spanId\":");
        string(json, span.getSpanId());
        json.append(",\"parentSpanId\":");
        SpanContext parent = span.getParentSpanContext();
        if (parent.isValid()) {
            string(json, parent.getSpanId());
        }
        else {
            json.append("null");
        }
        json.append(",\"name\":");
        string(json, span.getName());
        json.append(",\"kind\":");
        string(json, span.getKind().name());
        json.append(",\"start\":");
        string(json, instant(span.getStartEpochNanos()).toString());
        json.append(",\"durationMillis\":");
        json.append((span.getEndEpochNanos() - span.getStartEpochNanos()) / 1_000_000.0);
        json.append(",\"status\":");
        string(json, span.getStatus().getStatusCode().name());
        String statusDescription = span.getStatus().getDescription();
        if (!statusDescription.isEmpty()) {
            json.append(",\"statusDescription\":");
            string(json, Secrets.mask(statusDescription));
        }
        json.append(",\"attributes\":");
        attributes(json, span.getAttributes());
        json.append(",\"events\":[");
        List<EventData> events = span.getEvents();
        for (int i = 0; i < events.size(); i++) {
            EventData event = events.get(i);
            if (i > 0) {
                json.append(',');
            }
            json.append("{\"name\":");
            string(json, event.getName());
            json.append(",\"time\":");
            string(json, instant(event.getEpochNanos()).toString());
            json.append(",\"attributes\":");
            attributes(json, event.getAttributes());
            json.append('}');
        }
        json.append("]}");
        return json.toString();
    }

    private static Instant instant(long epochNanos) {
        return Instant.ofEpochSecond(0, epochNanos);
    }

    private void attributes(StringBuilder json, Attributes attributes) {
        json.append('{');
        boolean[] first = { true };
        attributes.forEach((key, value) -> {
            if (!first[0]) {
                json.append(',');
            }
            first[0] = false;
            string(json, key.getKey());
            json.append(':');
            value(json, key, value);
        });
        json.append('}');
    }

    private void value(StringBuilder json, AttributeKey<?> key, Object value) {
        if (isSecretKey(key.getKey())) {
            string(json, Secrets.MASK);
        }
        else if (value instanceof List<?> list) {
            json.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    json.append(',');
                }
                scalar(json, list.get(i));
            }
            json.append(']');
        }
        else {
            scalar(json, value);
        }
    }

    private static void scalar(StringBuilder json, Object value) {
        if (value instanceof Boolean || value instanceof Long || value instanceof Integer) {
            json.append(value);
        }
        else if (value instanceof Double number && !number.isNaN() && !number.isInfinite()) {
            json.append(number);
        }
        else {
            // Strings, and anything else (NaN, infinities, structured values) as masked
            // text.
            string(json, Secrets.mask(String.valueOf(value)));
        }
    }

    private boolean isSecretKey(String key) {
        Boolean secret = this.secretKeys.get(key);
        if (secret == null) {
            String probe = key + "=x";
            secret = !Secrets.mask(probe).equals(probe);
            if (this.secretKeys.size() < MAX_CACHED_KEYS) {
                this.secretKeys.put(key, secret);
            }
        }
        return secret;
    }

    static void string(StringBuilder json, String value) {
        json.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                case '\b' -> json.append("\\b");
                case '\f' -> json.append("\\f");
                default -> {
                    if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029' || isLoneSurrogate(value, i)) {
                        // Control characters, JavaScript line separators and lone
                        // surrogates (which would not survive UTF-8) escaped.
                        unicode(json, c);
                    }
                    else {
                        json.append(c);
                    }
                }
            }
        }
        json.append('"');
    }

    private static boolean isLoneSurrogate(String value, int i) {
        char c = value.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 >= value.length() || !Character.isLowSurrogate(value.charAt(i + 1));
        }
        if (Character.isLowSurrogate(c)) {
            return i == 0 || !Character.isHighSurrogate(value.charAt(i - 1));
        }
        return false;
    }

    private static void unicode(StringBuilder json, char c) {
        json.append("\\u")
            .append(HEX[(c >> 12) & 0xf])
            .append(HEX[(c >> 8) & 0xf])
            .append(HEX[(c >> 4) & 0xf])
            .append(HEX[c & 0xf]);
    }

}
