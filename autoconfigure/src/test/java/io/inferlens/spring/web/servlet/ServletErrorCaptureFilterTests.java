package io.inferlens.spring.web.servlet;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import jakarta.servlet.ServletException;
import io.inferlens.testsupport.RecordingErrorTracker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.servlet.HandlerMapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link ServletErrorCaptureFilter}.
 *
 * @author Inferlens
 */
@ExtendWith(OutputCaptureExtension.class)
class ServletErrorCaptureFilterTests {

    @Test
    void exceptionOutOfTheChainIsCapturedUnwrappedWithRouteStatusAndRequestIdAndRethrownUnchanged() throws Exception {
        List<String> captured = new ArrayList<>();
        ServletErrorCaptureFilter filter = new ServletErrorCaptureFilter(() -> new RecordingErrorTracker(captured));
        IllegalStateException cause = new IllegalStateException("model down");
        ServletException wrapped = new ServletException("Request processing failed", cause);
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/v1/chat/completions");
        request.setAttribute(RequestLoggingFilter.REQUEST_ID_ATTRIBUTE, "req-err");
        assertThatExceptionOfType(ServletException.class)
            .isThrownBy(() -> filter.doFilter(request, new MockHttpServletResponse(), (req, res) -> {
                req.setAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE, "/v1/chat/completions");
                throw wrapped;
            }))
            .isSameAs(wrapped);
        assertThat(captured).containsExactly("IllegalStateException http.server.requests "
                + "{http.request.id=req-err, http.response.status_code=500, http.route=/v1/chat/completions}");
    }

    @Test
    void requestThatSucceedsCapturesNothing() throws Exception {
        List<String> captured = new ArrayList<>();
        ServletErrorCaptureFilter filter = new ServletErrorCaptureFilter(() -> new RecordingErrorTracker(captured));
        filter.doFilter(new MockHttpServletRequest("GET", "/"), new MockHttpServletResponse(), (req, res) -> {
        });
        assertThat(captured).isEmpty();
    }

    @Test
    void exceptionsAreRethrownWhenThereIsNoErrorTrackerOrItFails(CapturedOutput output) throws Exception {
        for (ServletErrorCaptureFilter filter : new ServletErrorCaptureFilter[] {
                new ServletErrorCaptureFilter(() -> null),
                new ServletErrorCaptureFilter(() -> new RecordingErrorTracker(null)) }) {
            IOException failure = new IOException("broken");
            assertThatExceptionOfType(IOException.class).isThrownBy(() -> filter
                .doFilter(new MockHttpServletRequest("GET", "/"), new MockHttpServletResponse(), (req, res) -> {
                    throw failure;
                })).isSameAs(failure);
        }
        assertThat(output).contains("Failed to capture the exception of a request (GET /)").contains("tracker down");
    }

}
