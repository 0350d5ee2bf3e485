package io.inferlens.web;

import java.util.Enumeration;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import org.jspecify.annotations.Nullable;

/**
 * Request ids: a client's id is kept only when it is safe to log and echo (1 to
 * {@value #MAX_LENGTH} characters out of {@code A-Z a-z 0-9 . _ -}), so that a request id
 * header can neither inject text into log lines nor bloat them; any other is replaced by
 * a random UUID.
 *
 * @author Inferlens
 */
public final class RequestIds {

    /**
     * Maximum length of a kept request id.
     */
    public static final int MAX_LENGTH = 128;

    private RequestIds() {
    }

    /**
     * Whether a request id is safe to keep.
     * @param id the id
     * @return whether it has 1 to {@value #MAX_LENGTH} characters, each a letter or digit
     * of ASCII, a dot, an underscore or a hyphen
     */
    public static boolean isSafe(@Nullable String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.'
                    || c == '_' || c == '-';
            if (!safe) {
                return false;
            }
        }
        return true;
    }

    /**
     * The id of a request: its single safe value of the request id header, or a new one.
     * @param values the values of the request id header, or {@code null}
     * @return the received id when there is exactly one and it is safe, a new id
     * otherwise
     */
    public static String resolve(@Nullable Enumeration<String> values) {
        if (values != null && values.hasMoreElements()) {
            String id = values.nextElement();
            if (!values.hasMoreElements() && isSafe(id)) {
                return id;
            }
        }
        return generate();
    }

    /**
     * A new random request id, a version 4 UUID. It comes from {@link ThreadLocalRandom}
     * rather than {@link UUID#randomUUID()}, whose shared {@code SecureRandom} contends
     * under load: a request id needs to be unique, not unpredictable.
     * @return the id
     */
    public static String generate() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long mostSignificant = (random.nextLong() & ~0xF000L) | 0x4000L;
        long leastSignificant = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(mostSignificant, leastSignificant).toString();
    }

}
