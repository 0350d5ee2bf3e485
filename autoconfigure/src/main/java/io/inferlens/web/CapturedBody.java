package io.inferlens.web;

import java.nio.ByteBuffer;
import java.util.Arrays;

import org.jspecify.annotations.Nullable;

/**
 * The first bytes of a body, kept while the body goes through unchanged: up to the
 * maximum logged size and one byte more, to tell that the body was longer. The buffer
 * grows as the body does, so a short body costs little. Thread-safe: a body may be
 * written from more than one thread, one chunk after another.
 *
 * @author Inferlens
 */
public final class CapturedBody {

    private final int limit;

    private byte[] bytes = new byte[0];

    private int count;

    /**
     * Create a capture.
     * @param limit the maximum size, in bytes, of the logged body
     */
    public CapturedBody(int limit) {
        this.limit = limit;
    }

    /**
     * Keep a copy of the start of a chunk, as far as there is room.
     * @param source the chunk
     * @param offset where it starts in {@code source}
     * @param length its length
     */
    public synchronized void capture(byte[] source, int offset, int length) {
        int copied = room(length);
        if (copied > 0) {
            System.arraycopy(source, offset, this.bytes, this.count, copied);
            this.count += copied;
        }
    }

    /**
     * Keep a copy of the start of a chunk, as far as there is room, without moving the
     * buffer's position.
     * @param source the chunk, from its position to its limit
     */
    public synchronized void capture(ByteBuffer source) {
        int copied = room(source.remaining());
        if (copied > 0) {
            source.duplicate().get(this.bytes, this.count, copied);
            this.count += copied;
        }
    }

    /**
     * Whether nothing more is kept.
     * @return whether the capture holds one byte more than the limit
     */
    public synchronized boolean isFull() {
        return this.count > this.limit;
    }

    /**
     * The loggable text of the captured bytes.
     * @param contentType the body's content type, or {@code null}
     * @param masker the masker
     * @return the text, or {@code null} when the content type is not loggable or nothing
     * was captured
     */
    public synchronized @Nullable String text(@Nullable String contentType, RequestLogMasker masker) {
        if (contentType == null || !BodyText.isLoggable(contentType)) {
            return null;
        }
        return BodyText.of(this.bytes, this.count, contentType, this.limit, masker);
    }

    /**
     * Make room for up to {@code length} more bytes.
     * @return how many bytes to copy
     */
    private int room(int length) {
        int copied = Math.min(this.limit + 1 - this.count, length);
        if (copied > 0 && this.count + copied > this.bytes.length) {
            int capacity = Math.max(this.count + copied, Math.min(this.limit + 1, this.bytes.length * 2 + 256));
            this.bytes = Arrays.copyOf(this.bytes, capacity);
        }
        return copied;
    }

    /**
     * How many bytes were captured.
     * @return the count, at most one more than the limit
     */
    public synchronized int size() {
        return this.count;
    }

}
