package io.inferlens.spring.web;

import java.util.List;

import io.inferlens.web.RequestLogMasker;
import org.jspecify.annotations.Nullable;

/**
 * A request as the {@link RequestLogWriter} reads it, whichever web stack served it: its
 * identity, known when it starts, and what the line may include, read only when the line
 * is written.
 *
 * @author Inferlens
 */
public interface LoggedRequest {

    /**
     * The HTTP method.
     * @return the method, such as {@code GET}
     */
    String method();

    /**
     * The request path, context path included, as sent.
     * @return the path
     */
    String path();

    /**
     * The raw query string.
     * @return the query, or {@code null} if there is none
     */
    @Nullable String query();

    /**
     * The request id, received or generated.
     * @return the id
     */
    String requestId();

    /**
     * The trace id of the request's server span.
     * @return the id, or {@code null} if unknown
     */
    @Nullable String traceId();

    /**
     * The span id of the request's server span.
     * @return the id, or {@code null} if unknown
     */
    @Nullable String spanId();

    /**
     * The address of the client.
     * @return the address, or {@code null} if unknown
     */
    @Nullable String clientAddress();

    /**
     * The values of a request header.
     * @param name the header's name
     * @return its values, in order, empty if it is absent
     */
    List<String> headerValues(String name);

    /**
     * The loggable text of the captured request body.
     * @param masker the masker
     * @return the text, or {@code null} if the body was not captured or is not loggable
     */
    @Nullable String requestBody(RequestLogMasker masker);

    /**
     * The loggable text of the captured response body.
     * @param masker the masker
     * @return the text, or {@code null} if the body was not captured or is not loggable
     */
    @Nullable String responseBody(RequestLogMasker masker);

}
