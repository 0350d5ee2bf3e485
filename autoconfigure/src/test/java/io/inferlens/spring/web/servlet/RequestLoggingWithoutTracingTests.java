package io.inferlens.spring.web.servlet;

import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.inferlens.errors.ErrorContext;
import io.inferlens.errors.ErrorTracker;
import io.inferlens.errors.Severity;
import io.inferlens.spring.web.RequestLoggingOptions;
import io.inferlens.testsupport.IsolatedClassPath;
import io.inferlens.web.RequestLogKeys;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import org.springframework.http.server.observation.ServerRequestObservationContext;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.filter.ServerHttpObservationFilter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The filter loaded by a class loader from which Micrometer Tracing is really absent
 * (unlike a {@code FilteredClassLoader}, which only hides classes from conditions): it
 * still logs, takes trace ids from the MDC and tags the server observation.
 *
 * @author Inferlens
 */
class RequestLoggingWithoutTracingTests {

    @Test
    void filterLogsWithoutMicrometerTracing() throws Exception {
        try (URLClassLoader loader = IsolatedClassPath.without("micrometer-tracing")) {
            assertThatExceptionOfType(ClassNotFoundException.class)
                .isThrownBy(() -> loader.loadClass("io.micrometer.tracing.handler.TracingObservationHandler"));
            assertThat(IsolatedClassPath.run(loader, FilterProbe.class))
                .isEqualTo("req-1 tagged=true | GET /models 200 ms request_id=req-1"
                        + " trace_id=trace-from-mdc span_id=span-from-mdc");
        }
    }

    @Test
    void filtersLogAndCaptureWithoutSpringMvc() throws Exception {
        try (URLClassLoader loader = IsolatedClassPath.without("spring-webmvc")) {
            assertThatExceptionOfType(ClassNotFoundException.class)
                .isThrownBy(() -> loader.loadClass("org.springframework.web.servlet.HandlerMapping"));
            assertThat(IsolatedClassPath.run(loader, WithoutMvcProbe.class))
                .isEqualTo("rethrown=true captured=[IllegalStateException http.server.requests]"
                        + " | POST /chat 500 ms request_id=req-2 exception=java.lang.IllegalStateException");
        }
    }

    public static class FilterProbe implements Supplier<String> {

        @Override
        public String get() {
            ListAppender<ILoggingEvent> appender = RequestLog.attach();
            MockHttpServletRequest request = new MockHttpServletRequest("GET", "/models");
            request.addHeader("X-Request-Id", "req-1");
            MockHttpServletResponse response = new MockHttpServletResponse();
            ServerRequestObservationContext observation = new ServerRequestObservationContext(request, response);
            request.setAttribute(ServerHttpObservationFilter.CURRENT_OBSERVATION_CONTEXT_ATTRIBUTE, observation);
            MDC.put("traceId", "trace-from-mdc");
            MDC.put("spanId", "span-from-mdc");
            try {
                new RequestLoggingFilter(RequestLoggingOptions.builder().build()).doFilter(request, response,
                        (req, res) -> {
                        });
            }
            catch (Exception ex) {
                throw new IllegalStateException(ex);
            }
            finally {
                MDC.clear();
                RequestLog.detach(appender);
            }
            boolean tagged = observation.getHighCardinalityKeyValue("http.request.id") != null;
            String message = RequestLog.lastLine(appender);
            return response.getHeader("X-Request-Id") + " tagged=" + tagged + " | " + message;
        }

    }

    /**
     * A servlet application without Spring MVC (Jersey, plain servlets), and without
     * Spring's observation filter: the request log and the error capture read the route
     * without loading Spring MVC.
     */
    public static class WithoutMvcProbe implements Supplier<String> {

        @Override
        public String get() {
            ListAppender<ILoggingEvent> appender = RequestLog.attach();
            MockHttpServletRequest request = new MockHttpServletRequest("POST", "/chat");
            request.addHeader("X-Request-Id", "req-2");
            List<String> captured = new ArrayList<>();
            ErrorTracker tracker = new ErrorTracker() {

                @Override
                public boolean captureException(Throwable error, ErrorContext context) {
                    captured.add(error.getClass().getSimpleName() + " " + context.operation());
                    return true;
                }

                @Override
                public void captureMessage(String message, Severity severity, ErrorContext context) {
                }

            };
            IllegalStateException failure = new IllegalStateException("down");
            boolean rethrown = false;
            try {
                new RequestLoggingFilter(RequestLoggingOptions.builder().build()).doFilter(request,
                        new MockHttpServletResponse(), (req, res) -> new ServletErrorCaptureFilter(() -> tracker)
                            .doFilter((HttpServletRequest) req, (HttpServletResponse) res, (r, s) -> {
                                throw failure;
                            }));
            }
            catch (IllegalStateException ex) {
                rethrown = ex == failure;
            }
            catch (Exception ex) {
                throw new IllegalStateException(ex);
            }
            finally {
                RequestLog.detach(appender);
            }
            String message = RequestLog.lastLine(appender);
            return "rethrown=" + rethrown + " captured=" + captured + " | " + message;
        }

    }

    /**
     * The request log's lines, in the probe's class loader.
     */
    static final class RequestLog {

        private RequestLog() {
        }

        static ListAppender<ILoggingEvent> attach() {
            ListAppender<ILoggingEvent> appender = new ListAppender<>();
            appender.start();
            logger().addAppender(appender);
            return appender;
        }

        static void detach(ListAppender<ILoggingEvent> appender) {
            logger().detachAppender(appender);
        }

        /**
         * The last line logged, its duration left out.
         */
        static String lastLine(ListAppender<ILoggingEvent> appender) {
            return appender.list.get(appender.list.size() - 1).getFormattedMessage().replaceAll(" [0-9.]+ ms", " ms");
        }

        private static Logger logger() {
            return (Logger) LoggerFactory.getLogger(RequestLogKeys.LOGGER_NAME);
        }

    }

}
