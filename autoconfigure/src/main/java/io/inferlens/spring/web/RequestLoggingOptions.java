package io.inferlens.spring.web;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.inferlens.web.RequestLogKeys;
import io.inferlens.web.RequestLogMasker;

import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * What a {@link RequestLoggingFilter} logs and which requests it leaves out. Immutable;
 * created with {@link #builder()}, whose defaults log every request with its core fields
 * only (no client address, query, headers or bodies).
 *
 * @author Inferlens
 */
public final class RequestLoggingOptions {

    /**
     * Default name of the request id header.
     */
    public static final String DEFAULT_REQUEST_ID_HEADER = "X-Request-Id";

    /**
     * Default maximum size, in bytes, of a logged body.
     */
    public static final int DEFAULT_MAX_BODY_SIZE = 2048;

    /**
     * Default slow-request threshold.
     */
    public static final Duration DEFAULT_SLOW_THRESHOLD = Duration.ofSeconds(2);

    private final String requestIdHeader;

    private final List<PathPattern> excludedPaths;

    private final int minStatus;

    private final long slowThresholdNanos;

    private final boolean includeClientAddress;

    private final boolean includeQuery;

    private final Map<String, String> includedHeaders;

    private final boolean includeRequestBody;

    private final boolean includeResponseBody;

    private final int maxBodySize;

    private final boolean detailsInMessage;

    private final RequestLogMasker masker;

    private RequestLoggingOptions(Builder builder) {
        this.requestIdHeader = builder.requestIdHeader;
        PathPatternParser parser = PathPatternParser.defaultInstance;
        this.excludedPaths = builder.excludedPaths.stream().map(parser::parse).toList();
        this.minStatus = builder.minStatus;
        this.slowThresholdNanos = builder.slowThreshold.toNanos();
        this.includeClientAddress = builder.includeClientAddress;
        this.includeQuery = builder.includeQuery;
        Map<String, String> headers = new LinkedHashMap<>();
        for (String header : builder.includedHeaders) {
            String name = header.trim().toLowerCase(Locale.ROOT);
            // A dot would nest the key under another header's in ECS.
            headers.putIfAbsent(name, RequestLogKeys.REQUEST_HEADER_PREFIX + name.replace('.', '_'));
        }
        this.includedHeaders = headers;
        this.includeRequestBody = builder.includeRequestBody;
        this.includeResponseBody = builder.includeResponseBody;
        this.maxBodySize = builder.maxBodySize;
        this.detailsInMessage = builder.detailsInMessage;
        this.masker = builder.masker;
    }

    /**
     * A builder with the defaults.
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Whether requests to a path are left out.
     * @param path the path within the application, without its context path
     * @return whether it matches an excluded path pattern
     */
    public boolean isExcluded(String path) {
        if (this.excludedPaths.isEmpty()) {
            return false;
        }
        PathContainer container = PathContainer.parsePath(path);
        for (PathPattern pattern : this.excludedPaths) {
            if (pattern.matches(container)) {
                return true;
            }
        }
        return false;
    }

    public String getRequestIdHeader() {
        return this.requestIdHeader;
    }

    public int getMinStatus() {
        return this.minStatus;
    }

    public long getSlowThresholdNanos() {
        return this.slowThresholdNanos;
    }

    public boolean isIncludeClientAddress() {
        return this.includeClientAddress;
    }

    public boolean isIncludeQuery() {
        return this.includeQuery;
    }

    /**
     * Included request headers: their lower-case names and the keys they are logged
     * under.
     * @return the headers, in configured order
     */
    public Map<String, String> getIncludedHeaders() {
        return this.includedHeaders;
    }

    public boolean isIncludeRequestBody() {
        return this.includeRequestBody;
    }

    public boolean isIncludeResponseBody() {
        return this.includeResponseBody;
    }

    public int getMaxBodySize() {
        return this.maxBodySize;
    }

    public boolean isDetailsInMessage() {
        return this.detailsInMessage;
    }

    public RequestLogMasker getMasker() {
        return this.masker;
    }

    /**
     * Builds {@link RequestLoggingOptions}; each setter rejects impossible values.
     */
    public static final class Builder {

        private String requestIdHeader = DEFAULT_REQUEST_ID_HEADER;

        private List<String> excludedPaths = new ArrayList<>();

        private int minStatus;

        private Duration slowThreshold = DEFAULT_SLOW_THRESHOLD;

        private boolean includeClientAddress;

        private boolean includeQuery;

        private List<String> includedHeaders = new ArrayList<>();

        private boolean includeRequestBody;

        private boolean includeResponseBody;

        private int maxBodySize = DEFAULT_MAX_BODY_SIZE;

        private boolean detailsInMessage = true;

        private RequestLogMasker masker = new RequestLogMasker();

        private Builder() {
        }

        /**
         * Name of the header that carries the request id, in and out.
         * @param requestIdHeader the header's name
         * @return this builder
         */
        public Builder requestIdHeader(String requestIdHeader) {
            if (requestIdHeader.isBlank()) {
                throw new IllegalArgumentException("Request id header must not be blank");
            }
            this.requestIdHeader = requestIdHeader.trim();
            return this;
        }

        /**
         * Path patterns ({@link PathPattern} syntax, such as {@code /actuator/**}) of
         * requests that are not logged, matched against the path within the application.
         * @param excludedPaths the patterns
         * @return this builder
         */
        public Builder excludedPaths(List<String> excludedPaths) {
            for (String pattern : excludedPaths) {
                PathPatternParser.defaultInstance.parse(pattern);
            }
            this.excludedPaths = List.copyOf(excludedPaths);
            return this;
        }

        /**
         * Lowest response status that is logged; 0 logs every request.
         * @param minStatus the status, from 0 to 599
         * @return this builder
         */
        public Builder minStatus(int minStatus) {
            if (minStatus < 0 || minStatus > 599) {
                throw new IllegalArgumentException("Minimum status must be between 0 and 599, was " + minStatus);
            }
            this.minStatus = minStatus;
            return this;
        }

        /**
         * Duration above which a request is slow: logged at WARN, whatever its status.
         * @param slowThreshold the threshold, not negative
         * @return this builder
         */
        public Builder slowThreshold(Duration slowThreshold) {
            if (slowThreshold.isNegative()) {
                throw new IllegalArgumentException("Slow threshold must not be negative, was " + slowThreshold);
            }
            this.slowThreshold = slowThreshold;
            return this;
        }

        public Builder includeClientAddress(boolean includeClientAddress) {
            this.includeClientAddress = includeClientAddress;
            return this;
        }

        public Builder includeQuery(boolean includeQuery) {
            this.includeQuery = includeQuery;
            return this;
        }

        /**
         * Request headers to log, by name in any case.
         * @param includedHeaders the names
         * @return this builder
         */
        public Builder includedHeaders(List<String> includedHeaders) {
            for (String header : includedHeaders) {
                if (header.isBlank()) {
                    throw new IllegalArgumentException("Included header names must not be blank");
                }
            }
            this.includedHeaders = List.copyOf(includedHeaders);
            return this;
        }

        public Builder includeRequestBody(boolean includeRequestBody) {
            this.includeRequestBody = includeRequestBody;
            return this;
        }

        public Builder includeResponseBody(boolean includeResponseBody) {
            this.includeResponseBody = includeResponseBody;
            return this;
        }

        /**
         * Maximum size, in bytes, of a logged body; longer bodies are truncated.
         * @param maxBodySize the size, at least 1
         * @return this builder
         */
        public Builder maxBodySize(int maxBodySize) {
            if (maxBodySize < 1 || maxBodySize == Integer.MAX_VALUE) {
                throw new IllegalArgumentException(
                        "Maximum body size must be between 1 and " + (Integer.MAX_VALUE - 1) + ", was " + maxBodySize);
            }
            this.maxBodySize = maxBodySize;
            return this;
        }

        /**
         * Whether included headers and bodies are also written into the message text, for
         * plain-text logs that do not show key-value pairs. Without it they appear only
         * as key-value pairs (structured logging).
         * @param detailsInMessage whether to write them into the message
         * @return this builder
         */
        public Builder detailsInMessage(boolean detailsInMessage) {
            this.detailsInMessage = detailsInMessage;
            return this;
        }

        public Builder masker(RequestLogMasker masker) {
            this.masker = masker;
            return this;
        }

        public RequestLoggingOptions build() {
            return new RequestLoggingOptions(this);
        }

    }

}
