package io.inferlens.spring.web.servlet;

import java.util.ArrayList;
import java.util.List;

import io.inferlens.errors.ErrorContext;
import io.inferlens.errors.ErrorTracker;
import io.inferlens.errors.Severity;
import io.inferlens.errors.ThrowingErrorTracker;
import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.servlet.HandlerMapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Tests for {@link MvcErrorCapture}.
 *
 * @author Inferlens
 */
class MvcErrorCaptureTests {

    private final List<ErrorContext> captured = new ArrayList<>();

    private final ErrorTracker tracker = new ErrorTracker() {

        @Override
        public boolean captureException(Throwable error, ErrorContext context) {
            MvcErrorCaptureTests.this.captured.add(context);
            return true;
        }

        @Override
        public void captureMessage(String message, Severity severity, ErrorContext context) {
        }

    };

    @Test
    void resolvesNothingSoTheResponseIsUnchanged() {
        MockHttpServletResponse response = new MockHttpServletResponse();
        assertThat(new MvcErrorCapture(this.tracker, false).resolveException(new MockHttpServletRequest(), response,
                null, new IllegalStateException()))
            .isNull();
        assertThat(response.isCommitted()).isFalse();
        assertThat(this.captured).isEmpty();
    }

    @Test
    void clientErrorIsCapturedWithRouteAndStatusWhenConfiguredTo() {
        assertThat(handle(new MvcErrorCapture(this.tracker, false), 422)).isEmpty();
        assertThat(handle(new MvcErrorCapture(this.tracker, true), 422)).singleElement().satisfies((context) -> {
            assertThat(context.operation()).isEqualTo("http.server.requests");
            assertThat(context.attributes()).containsEntry("http.route", "/v1/chat/completions")
                .containsEntry("http.response.status_code", "422");
        });
    }

    @Test
    void exceptionLeavingTheDispatcherIsCapturedAsAServerError() {
        MockHttpServletResponse response = new MockHttpServletResponse();
        new MvcErrorCapture(this.tracker, false).afterCompletion(new MockHttpServletRequest(), response, new Object(),
                new IllegalStateException());
        assertThat(this.captured).singleElement()
            .satisfies((context) -> assertThat(context.attributes()).containsEntry("http.response.status_code", "500"));
    }

    @Test
    void throwingTrackerDoesNotBreakTheRequest() {
        ErrorTracker broken = new ThrowingErrorTracker();
        assertThatNoException().isThrownBy(() -> handle(new MvcErrorCapture(broken, false), 500));
    }

    private List<ErrorContext> handle(MvcErrorCapture capture, int status) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/v1/chat/completions");
        request.setAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE, "/v1/chat/completions");
        MockHttpServletResponse response = new MockHttpServletResponse();
        capture.resolveException(request, response, null, new IllegalArgumentException("bad"));
        response.setStatus(status);
        capture.afterCompletion(request, response, new Object(), null);
        return this.captured;
    }

}
