package io.inferlens.autoconfigure.web;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Configuration of the logging of HTTP requests.
 *
 * @author Inferlens
 */
@ConfigurationProperties("inferlens.request-logging")
public class RequestLoggingProperties {

    private static final String PREFIX = "inferlens.request-logging.";

    /**
     * Whether to log one line per HTTP request.
     */
    private boolean enabled = true;

    /**
     * Name of the header that carries the request id: a safe incoming id is kept,
     * otherwise one is generated, and it is echoed in the response.
     */
    private String requestIdHeader = "X-Request-Id";

    /**
     * Path patterns of requests that are not logged, such as "/actuator/**". Defaults to
     * the actuator's base path (management.endpoints.web.base-path) followed by "/**".
     */
    private @Nullable List<String> excludePaths;

    /**
     * Lowest response status that is logged, such as 400 to log errors only. Slow
     * requests are logged whatever their status.
     */
    private int minStatus = 0;

    /**
     * Duration above which a request is logged at WARN instead of INFO, with
     * event.slow=true.
     */
    private Duration slowThreshold = Duration.ofSeconds(2);

    /**
     * Whether to log the client's address.
     */
    private boolean includeClientAddress;

    /**
     * Whether to log the query string, values of sensitive parameters masked.
     */
    private boolean includeQuery;

    /**
     * Names of request headers to log. Credentials (Authorization, Cookie, X-Api-Key,
     * ...) are masked.
     */
    private List<String> includeHeaders = new ArrayList<>();

    /**
     * Names of further headers whose values are masked, in addition to Authorization,
     * Proxy-Authorization, Cookie, Set-Cookie, X-Api-Key and api-key.
     */
    private List<String> maskedHeaders = new ArrayList<>();

    /**
     * Names of further query parameters whose values are masked, in addition to password,
     * token, api_key, secret and the like. Matched by whole words, ignoring case and
     * separators.
     */
    private List<String> maskedParameters = new ArrayList<>();

    /**
     * Names of further JSON body fields whose values are masked, in addition to password,
     * token, api_key, secret and the like. Matched by whole words, ignoring case and
     * separators.
     */
    private List<String> maskedFields = new ArrayList<>();

    /**
     * Whether to log request bodies of text and JSON content types, as far as the
     * application read them. They may hold prompts and personal data.
     */
    private boolean includeRequestBody;

    /**
     * Whether to log response bodies of text and JSON content types. They may hold
     * completions and personal data.
     */
    private boolean includeResponseBody;

    /**
     * Maximum size of a logged body; longer bodies are truncated.
     */
    private DataSize maxBodySize = DataSize.ofKilobytes(2);

    public boolean isEnabled() {
        return this.enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getRequestIdHeader() {
        return this.requestIdHeader;
    }

    public void setRequestIdHeader(String requestIdHeader) {
        if (requestIdHeader.isBlank()) {
            throw new IllegalArgumentException(PREFIX + "request-id-header must not be blank");
        }
        this.requestIdHeader = requestIdHeader.trim();
    }

    public @Nullable List<String> getExcludePaths() {
        return this.excludePaths;
    }

    public void setExcludePaths(@Nullable List<String> excludePaths) {
        if (excludePaths != null) {
            for (String pattern : excludePaths) {
                try {
                    PathPatternParser.defaultInstance.parse(pattern);
                }
                catch (IllegalArgumentException ex) {
                    throw new IllegalArgumentException(
                            PREFIX + "exclude-paths has an invalid pattern '" + pattern + "': " + ex.getMessage(), ex);
                }
            }
        }
        this.excludePaths = excludePaths;
    }

    public int getMinStatus() {
        return this.minStatus;
    }

    public void setMinStatus(int minStatus) {
        if (minStatus < 0 || minStatus > 599) {
            throw new IllegalArgumentException(PREFIX + "min-status must be between 0 and 599, was " + minStatus);
        }
        this.minStatus = minStatus;
    }

    public Duration getSlowThreshold() {
        return this.slowThreshold;
    }

    public void setSlowThreshold(Duration slowThreshold) {
        if (slowThreshold.isNegative()) {
            throw new IllegalArgumentException(PREFIX + "slow-threshold must not be negative, was " + slowThreshold);
        }
        this.slowThreshold = slowThreshold;
    }

    public boolean isIncludeClientAddress() {
        return this.includeClientAddress;
    }

    public void setIncludeClientAddress(boolean includeClientAddress) {
        this.includeClientAddress = includeClientAddress;
    }

    public boolean isIncludeQuery() {
        return this.includeQuery;
    }

    public void setIncludeQuery(boolean includeQuery) {
        this.includeQuery = includeQuery;
    }

    public List<String> getIncludeHeaders() {
        return this.includeHeaders;
    }

    public void setIncludeHeaders(List<String> includeHeaders) {
        if (includeHeaders.stream().anyMatch(String::isBlank)) {
            throw new IllegalArgumentException(PREFIX + "include-headers must not contain blank names");
        }
        this.includeHeaders = includeHeaders;
    }

    public List<String> getMaskedHeaders() {
        return this.maskedHeaders;
    }

    public void setMaskedHeaders(List<String> maskedHeaders) {
        this.maskedHeaders = maskedHeaders;
    }

    public List<String> getMaskedParameters() {
        return this.maskedParameters;
    }

    public void setMaskedParameters(List<String> maskedParameters) {
        this.maskedParameters = maskedParameters;
    }

    public List<String> getMaskedFields() {
        return this.maskedFields;
    }

    public void setMaskedFields(List<String> maskedFields) {
        this.maskedFields = maskedFields;
    }

    public boolean isIncludeRequestBody() {
        return this.includeRequestBody;
    }

    public void setIncludeRequestBody(boolean includeRequestBody) {
        this.includeRequestBody = includeRequestBody;
    }

    public boolean isIncludeResponseBody() {
        return this.includeResponseBody;
    }

    public void setIncludeResponseBody(boolean includeResponseBody) {
        this.includeResponseBody = includeResponseBody;
    }

    public DataSize getMaxBodySize() {
        return this.maxBodySize;
    }

    public void setMaxBodySize(DataSize maxBodySize) {
        if (maxBodySize.toBytes() < 1 || maxBodySize.toBytes() >= Integer.MAX_VALUE) {
            throw new IllegalArgumentException(PREFIX + "max-body-size must be between 1B and "
                    + (Integer.MAX_VALUE - 1) + "B, was " + maxBodySize);
        }
        this.maxBodySize = maxBodySize;
    }

}
