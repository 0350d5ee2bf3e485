package io.inferlens.spring.web.servlet;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.CharBuffer;

import io.inferlens.web.BodyText;
import io.inferlens.web.CapturedBody;
import io.inferlens.web.RequestLogMasker;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import org.jspecify.annotations.Nullable;

/**
 * A response that keeps a copy of the first bytes (or characters) of its body while
 * writing everything through at once. Unlike Spring's
 * {@code ContentCachingResponseWrapper}, which holds the whole body until
 * {@code copyBodyToResponse()}, it neither delays streamed responses (server-sent events
 * of a streamed completion reach the client as they are written) nor holds a large body
 * in memory, and there is nothing to copy back when the request ends.
 *
 * @author Inferlens
 */
final class BodyCapturingResponseWrapper extends HttpServletResponseWrapper {

    private final int limit;

    private final CapturedBody bytes;

    private final StringBuilder chars = new StringBuilder();

    private boolean charsTruncated;

    private @Nullable ServletOutputStream outputStream;

    private @Nullable PrintWriter writer;

    /**
     * Create a wrapper.
     * @param response the response
     * @param limit how many bytes or characters to keep; one more is kept to tell that
     * the body was longer
     */
    BodyCapturingResponseWrapper(HttpServletResponse response, int limit) {
        super(response);
        this.limit = limit;
        this.bytes = new CapturedBody(limit);
    }

    @Override
    public ServletOutputStream getOutputStream() throws IOException {
        if (this.outputStream == null) {
            this.outputStream = new CapturingOutputStream(super.getOutputStream());
        }
        return this.outputStream;
    }

    @Override
    public PrintWriter getWriter() throws IOException {
        if (this.writer == null) {
            // PrintWriter(Writer) adds no buffer: every write reaches the real writer.
            this.writer = new PrintWriter(new CapturingWriter(super.getWriter()));
        }
        return this.writer;
    }

    /**
     * The loggable text of the body written so far.
     */
    @Nullable String bodyText(RequestLogMasker masker) {
        String contentType = getContentType();
        if (!BodyText.isLoggable(contentType)) {
            return null;
        }
        if (this.bytes.size() > 0) {
            return this.bytes.text(contentType, masker);
        }
        return BodyText.of(this.chars, this.charsTruncated, contentType, this.limit, masker);
    }

    private synchronized void capture(CharSequence source, int offset, int length) {
        int room = this.limit - this.chars.length();
        if (length > room) {
            this.charsTruncated = true;
        }
        if (room > 0) {
            this.chars.append(source, offset, offset + Math.min(room, length));
        }
    }

    private final class CapturingOutputStream extends ServletOutputStream {

        private final ServletOutputStream delegate;

        private final byte[] single = new byte[1];

        CapturingOutputStream(ServletOutputStream delegate) {
            this.delegate = delegate;
        }

        @Override
        public void write(int b) throws IOException {
            this.delegate.write(b);
            this.single[0] = (byte) b;
            BodyCapturingResponseWrapper.this.bytes.capture(this.single, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            this.delegate.write(b, off, len);
            BodyCapturingResponseWrapper.this.bytes.capture(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            this.delegate.flush();
        }

        @Override
        public void close() throws IOException {
            this.delegate.close();
        }

        @Override
        public boolean isReady() {
            return this.delegate.isReady();
        }

        @Override
        public void setWriteListener(WriteListener writeListener) {
            this.delegate.setWriteListener(writeListener);
        }

    }

    private final class CapturingWriter extends Writer {

        private final PrintWriter delegate;

        CapturingWriter(PrintWriter delegate) {
            this.delegate = delegate;
        }

        @Override
        public void write(char[] cbuf, int off, int len) {
            this.delegate.write(cbuf, off, len);
            capture(CharBuffer.wrap(cbuf), off, len);
        }

        @Override
        public void write(String str, int off, int len) {
            this.delegate.write(str, off, len);
            capture(str, off, len);
        }

        @Override
        public void flush() {
            this.delegate.flush();
        }

        @Override
        public void close() {
            this.delegate.close();
        }

    }

}
