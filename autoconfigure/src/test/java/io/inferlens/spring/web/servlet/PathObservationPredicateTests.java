package io.inferlens.spring.web.servlet;

import java.util.List;

import io.micrometer.observation.Observation;
import org.junit.jupiter.api.Test;

import org.springframework.http.server.observation.ServerRequestObservationContext;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PathObservationPredicate}.
 *
 * @author Inferlens
 */
class PathObservationPredicateTests {

    private final PathObservationPredicate predicate = new PathObservationPredicate(
            List.of("/inferlens", "/actuator/inferlens/"));

    @Test
    void requestsToThePathsAndUnderThemAreNotObserved() {
        assertThat(observed("", "/inferlens")).isFalse();
        assertThat(observed("", "/inferlens/")).isFalse();
        assertThat(observed("", "/inferlens/dashboard.js")).isFalse();
        assertThat(observed("", "/actuator/inferlens")).isFalse();
        assertThat(observed("", "/actuator/inferlens/traces/abc")).isFalse();
    }

    @Test
    void otherRequestsAreObserved() {
        assertThat(observed("", "/inferlensx")).isTrue();
        assertThat(observed("", "/actuator/prometheus")).isTrue();
        assertThat(observed("", "/v1/chat/completions")).isTrue();
        assertThat(observed("", "/")).isTrue();
    }

    @Test
    void pathsAreWithinTheContextPath() {
        assertThat(observed("/gateway", "/gateway/inferlens")).isFalse();
        assertThat(observed("/gateway", "/gateway/chat")).isTrue();
    }

    @Test
    void servletPathOfADispatcherMappedToAPrefixIsLeftOut() {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/app/actuator/inferlens/traces");
        request.setServletPath("/app");
        request.setPathInfo("/actuator/inferlens/traces");
        assertThat(this.predicate.test("http.server.requests",
                new ServerRequestObservationContext(request, new MockHttpServletResponse())))
            .isFalse();
    }

    @Test
    void otherObservationsAreObservedOutsideRequests() {
        assertThat(this.predicate.test("chat", new Observation.Context())).isTrue();
    }

    @Test
    void otherObservationsMadeWhileHandlingASkippedRequestAreNotObserved() {
        RequestContextHolder
            .setRequestAttributes(new ServletRequestAttributes(new MockHttpServletRequest("GET", "/inferlens")));
        try {
            assertThat(this.predicate.test("spring.security.filterchains", new Observation.Context())).isFalse();
        }
        finally {
            RequestContextHolder.resetRequestAttributes();
        }
    }

    @Test
    void otherObservationsMadeWhileHandlingAnotherRequestAreObserved() {
        RequestContextHolder.setRequestAttributes(
                new ServletRequestAttributes(new MockHttpServletRequest("POST", "/v1/chat/completions")));
        try {
            assertThat(this.predicate.test("chat", new Observation.Context())).isTrue();
        }
        finally {
            RequestContextHolder.resetRequestAttributes();
        }
    }

    private boolean observed(String contextPath, String uri) {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", uri);
        request.setContextPath(contextPath);
        return this.predicate.test("http.server.requests",
                new ServerRequestObservationContext(request, new MockHttpServletResponse()));
    }

}
