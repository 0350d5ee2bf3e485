package io.inferlens.experiments;

/**
 * The hash that assigns subjects to variants, fixed so that assignments are the same in
 * every instance, after restarts and in other implementations: 64-bit FNV-1a (offset
 * basis {@code 0xcbf29ce484222325}, prime {@code 0x100000001b3}) over the UTF-8 bytes of
 * the experiment name, a zero byte and the subject key, then the finalizer of SplitMix64,
 * whose top 53 bits, divided by 2<sup>53</sup>, give a number in [0, 1). A lone surrogate
 * is encoded as {@code '?'}, as {@link String#getBytes(java.nio.charset.Charset)} does.
 * The experiment's part is hashed once, and strings are encoded as they are hashed, so
 * hashing a subject allocates nothing.
 *
 * @author Inferlens
 */
final class SubjectHash {

    static final long FNV_OFFSET_BASIS = 0xcbf29ce484222325L;

    static final long FNV_PRIME = 0x100000001b3L;

    private SubjectHash() {
    }

    /**
     * Return the FNV-1a state after the experiment name and the zero byte that separates
     * it from the subject key.
     */
    static long seed(String experiment) {
        return update(update(FNV_OFFSET_BASIS, experiment), 0);
    }

    /**
     * Return a number in [0, 1), uniformly distributed over subjects.
     */
    static double unit(long seed, String subjectKey) {
        return (mix(update(seed, subjectKey)) >>> 11) * 0x1.0p-53;
    }

    static long update(long hash, String value) {
        int length = value.length();
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            if (c < 0x80) {
                hash = update(hash, c);
            }
            else if (c < 0x800) {
                hash = update(hash, 0xC0 | (c >> 6));
                hash = update(hash, 0x80 | (c & 0x3F));
            }
            else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(value.charAt(i + 1))) {
                int codePoint = Character.toCodePoint(c, value.charAt(++i));
                hash = update(hash, 0xF0 | (codePoint >> 18));
                hash = update(hash, 0x80 | ((codePoint >> 12) & 0x3F));
                hash = update(hash, 0x80 | ((codePoint >> 6) & 0x3F));
                hash = update(hash, 0x80 | (codePoint & 0x3F));
            }
            else if (Character.isSurrogate(c)) {
                hash = update(hash, '?');
            }
            else {
                hash = update(hash, 0xE0 | (c >> 12));
                hash = update(hash, 0x80 | ((c >> 6) & 0x3F));
                hash = update(hash, 0x80 | (c & 0x3F));
            }
        }
        return hash;
    }

    private static long update(long hash, int octet) {
        return (hash ^ (octet & 0xFF)) * FNV_PRIME;
    }

    /**
     * The finalizer of SplitMix64 (Steele, Lea and Flood), which spreads every input bit
     * over the whole output, as FNV-1a alone does not in its top bits.
     */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

}
