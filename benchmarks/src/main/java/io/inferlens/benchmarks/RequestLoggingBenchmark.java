package io.inferlens.benchmarks;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.inferlens.spring.web.RequestLoggingOptions;
import io.inferlens.spring.web.servlet.RequestLoggingFilter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.slf4j.LoggerFactory;

import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/**
 * Cost of the request logging filter per request, on Spring's mock servlet request and
 * response, with a chain that does nothing: the default options (request id checked and
 * echoed, MDC, one INFO line with its key-value pairs), and with two headers included and
 * masked. The line goes to an appender that drops it, so that console I/O is not
 * measured; the mock request and response are built in the benchmark and their cost is
 * included.
 *
 * @author Inferlens
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class RequestLoggingBenchmark {

    private static final FilterChain CHAIN = (request, response) -> {
    };

    @Benchmark
    public MockHttpServletResponse noFilter() throws ServletException, IOException {
        MockHttpServletRequest request = request();
        MockHttpServletResponse response = new MockHttpServletResponse();
        CHAIN.doFilter(request, response);
        return response;
    }

    @Benchmark
    public MockHttpServletResponse defaults(FilterState state) throws ServletException, IOException {
        MockHttpServletRequest request = request();
        MockHttpServletResponse response = new MockHttpServletResponse();
        state.defaults.doFilter(request, response, CHAIN);
        return response;
    }

    @Benchmark
    public MockHttpServletResponse maskedHeaders(FilterState state) throws ServletException, IOException {
        MockHttpServletRequest request = request();
        MockHttpServletResponse response = new MockHttpServletResponse();
        state.withHeaders.doFilter(request, response, CHAIN);
        return response;
    }

    private static MockHttpServletRequest request() {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/v1/chat/completions");
        request.addHeader("X-Request-Id", "req-0123456789");
        request.addHeader("Authorization", "Bearer sk-live-0123456789abcdef");
        request.addHeader("User-Agent", "openai-python/1.54");
        return request;
    }

    /**
     * The filters, and Logback sending INFO lines of the filter's logger to an appender
     * that drops them.
     */
    @State(Scope.Benchmark)
    public static class FilterState {

        RequestLoggingFilter defaults;

        RequestLoggingFilter withHeaders;

        @Setup
        public void setUp() throws ServletException {
            LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
            Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
            root.detachAndStopAllAppenders();
            root.setLevel(Level.WARN);
            Logger logger = context.getLogger(RequestLoggingFilter.class);
            logger.setLevel(Level.INFO);
            AppenderBase<ILoggingEvent> drop = new AppenderBase<>() {
                @Override
                protected void append(ILoggingEvent event) {
                    // formatting the message is part of any real appender's work
                    event.getFormattedMessage();
                }
            };
            drop.setContext(context);
            drop.start();
            logger.addAppender(drop);
            this.defaults = new RequestLoggingFilter(RequestLoggingOptions.builder().build());
            this.withHeaders = new RequestLoggingFilter(
                    RequestLoggingOptions.builder().includedHeaders(List.of("authorization", "user-agent")).build());
        }

    }

}
