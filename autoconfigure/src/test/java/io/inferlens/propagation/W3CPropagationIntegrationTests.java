package io.inferlens.propagation;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.inferlens.propagation.PropagationTestApp.Exchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * W3C Trace Context Level 2 on a real embedded Tomcat with Boot's tracing
 * auto-configuration and the Inferlens strict W3C propagation: incoming headers are sent
 * over a raw socket, the server span is read from the SDK and the outgoing call's headers
 * from a downstream server that RestClient calls. Cases follow the W3C test suite
 * (w3c/trace-context, test/test.py, STRICT_LEVEL 2).
 *
 * @author Inferlens
 */
class W3CPropagationIntegrationTests {

    static final String TRACE_ID = "12345678901234567890123456789012";

    static final String PARENT_ID = "1234567890123456";

    static final String TRACEPARENT = "00-" + TRACE_ID + "-" + PARENT_ID + "-01";

    private static PropagationTestApp app;

    @BeforeAll
    static void start() throws Exception {
        // room for the oversized headers, so that they reach the application instead of
        // being refused by Tomcat (default 8KB for the request line and all headers)
        app = PropagationTestApp.start("server.max-http-request-header-size=512KB");
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void validTraceparentContinuesTheTrace() throws Exception {
        Exchange exchange = app.send(header("traceparent", TRACEPARENT));
        assertContinued(exchange);
        assertThat(exchange.server().getParentSpanId()).isEqualTo(PARENT_ID);
        assertThat(exchange.outgoingTraceparent()).startsWith("00-" + TRACE_ID + "-").endsWith("-01");
        assertThat(exchange.outgoing("tracestate")).isEmpty();
    }

    @Test
    void twoTraceparentHeadersStartANewTrace() throws Exception {
        Exchange exchange = app.send(
                header("traceparent", "00-" + TRACE_ID.replace("12", "11") + "-" + PARENT_ID + "-01"),
                header("traceparent", TRACEPARENT), header("tracestate", "foo=1"));
        assertNewTrace(exchange);
        assertThat(exchange.server().getTraceId()).isNotEqualTo(TRACE_ID.replace("12", "11"));
        assertThat(exchange.outgoing("tracestate")).isEmpty();
    }

    @Test
    void severalTracestateHeadersAreCombinedInOrder() throws Exception {
        Exchange exchange = app.send(header("traceparent", TRACEPARENT), header("tracestate", "foo=1,bar=2"),
                header("tracestate", "rojo=1,congo=2"), header("tracestate", "baz=3"));
        assertContinued(exchange);
        assertThat(exchange.outgoing("tracestate")).containsExactly("foo=1,bar=2,rojo=1,congo=2,baz=3");
    }

    @Test
    void thirtyTwoMembersInSeveralHeadersAreAllKept() throws Exception {
        List<String> members = members(32);
        Exchange exchange = app.send(header("traceparent", TRACEPARENT),
                header("tracestate", String.join(",", members.subList(0, 10))),
                header("tracestate", String.join(",", members.subList(10, 20))),
                header("tracestate", String.join(",", members.subList(20, 30))),
                header("tracestate", String.join(",", members.subList(30, 32))));
        assertContinued(exchange);
        assertThat(exchange.outgoing("tracestate")).containsExactly(String.join(",", members));
    }

    @Test
    void thirtyThreeMembersDropTheTracestateButContinueTheTrace() throws Exception {
        Exchange exchange = app.send(header("traceparent", TRACEPARENT),
                header("tracestate", String.join(",", members(33))));
        assertContinued(exchange);
        assertThat(exchange.outgoing("tracestate")).isEmpty();
    }

    @Test
    void vendorFormatAndLongKeysAreKept() throws Exception {
        List<String> keys = List.of("tenant@vendor", "z".repeat(256), "t".repeat(241) + "@" + "v".repeat(14),
                "t".repeat(242) + "@v", "t@" + "v".repeat(15), "foo@", "foo@@bar", "foo@bar@baz", "1abc");
        String tracestate = keys.stream().map((key) -> key + "=1").collect(Collectors.joining(","));
        Exchange exchange = app.send(header("traceparent", TRACEPARENT), header("tracestate", "foo=1"),
                header("tracestate", tracestate));
        assertContinued(exchange);
        assertThat(exchange.outgoing("tracestate")).containsExactly("foo=1," + tracestate);
    }

    @ParameterizedTest
    @MethodSource("invalidTracestates")
    void invalidTracestateIsDroppedWholeAndTheTraceContinues(String tracestate) throws Exception {
        Exchange exchange = app.send(header("traceparent", TRACEPARENT), header("tracestate", tracestate));
        assertContinued(exchange);
        assertThat(exchange.outgoing("tracestate")).isEmpty();
    }

    @Test
    void emptyTracestateSendsNoTracestate() throws Exception {
        Exchange exchange = app.send(header("traceparent", TRACEPARENT), header("tracestate", ""));
        assertContinued(exchange);
        assertThat(exchange.outgoing("tracestate")).isEmpty();
    }

    @Test
    void emptyTracestateHeadersAndMembersAreSkipped() throws Exception {
        Exchange exchange = app.send(header("traceparent", TRACEPARENT), header("tracestate", ""),
                header("tracestate", "foo=1, ,\t,bar=2 ,"), header("tracestate", ""));
        assertContinued(exchange);
        assertThat(exchange.outgoing("tracestate")).containsExactly("foo=1,bar=2");
    }

    @Test
    void ofDuplicatedKeysTheFirstIsKeptWithTheRestOfTheTracestate() throws Exception {
        Exchange exchange = app.send(header("traceparent", TRACEPARENT), header("tracestate", "foo=1,bar=2,foo=4"));
        assertContinued(exchange);
        assertThat(exchange.outgoing("tracestate")).containsExactly("foo=1,bar=2");
        Exchange acrossHeaders = app.send(header("traceparent", TRACEPARENT), header("tracestate", "foo=1,bar=2"),
                header("tracestate", "foo=3,baz=4"));
        assertContinued(acrossHeaders);
        assertThat(acrossHeaders.outgoing("tracestate")).containsExactly("foo=1,bar=2,baz=4");
    }

    /**
     * The requests of the W3C suite's {@code test_tracestate_duplicated_keys}, sent as
     * the suite sends them: a {@code traceparent} that is not sampled, so the trace is
     * continued without recording a span.
     */
    @ParameterizedTest
    @MethodSource("duplicatedKeysOfTheTestSuite")
    void duplicatedKeysOfTheTestSuiteAreInheritedWhenTheTraceIsNotSampled(List<String> tracestates, String expected)
            throws Exception {
        List<String[]> headers = new ArrayList<>();
        headers.add(header("traceparent", "00-" + TRACE_ID + "-" + PARENT_ID + "-00"));
        tracestates.forEach((tracestate) -> headers.add(header("tracestate", tracestate)));
        Exchange exchange = app.send(headers.toArray(String[][]::new));
        assertThat(exchange.status()).as(exchange.response()).isEqualTo(200);
        assertThat(exchange.outgoingTraceparent()).matches("00-" + TRACE_ID + "-[0-9a-f]{16}-00")
            .isNotEqualTo(headers.get(0)[1]);
        assertThat(exchange.outgoing("tracestate")).containsExactly(expected);
    }

    @Test
    void leadingSpacesOfAValueAreKept() throws Exception {
        Exchange exchange = app.send(header("traceparent", TRACEPARENT), header("tracestate", "foo= 1,bar=2"));
        assertContinued(exchange);
        assertThat(exchange.outgoing("tracestate")).containsExactly("foo= 1,bar=2");
    }

    @ParameterizedTest
    @ValueSource(strings = { "ff-" + TRACE_ID + "-" + PARENT_ID + "-01", "00-" + ZEROS.TRACE + "-" + PARENT_ID + "-01",
            "00-" + TRACE_ID + "-" + ZEROS.PARENT + "-01", "00-" + TRACE_ID + "-" + PARENT_ID + "-01.",
            "00-" + TRACE_ID + "-" + PARENT_ID + "-01-what-the-future-will-be-like",
            "cc-" + TRACE_ID + "-" + PARENT_ID + "-01.what-the-future-will-be-like",
            "0-" + TRACE_ID + "-" + PARENT_ID + "-01", "000-" + TRACE_ID + "-" + PARENT_ID + "-01",
            ".0-" + TRACE_ID + "-" + PARENT_ID + "-01", "00-" + TRACE_ID + "3-" + PARENT_ID + "-01",
            "00-" + "1234567890123456789012345678901-" + PARENT_ID + "-01", "00-" + TRACE_ID + "-12345678901234567-01",
            "00-" + TRACE_ID + "-123456789012345-01", "00-" + TRACE_ID + "-" + PARENT_ID + "-001",
            "00-" + TRACE_ID + "-" + PARENT_ID + "-1", "00-" + TRACE_ID + "-" + PARENT_ID + "-.0",
            "00-ABCDEF78901234567890123456789012-" + PARENT_ID + "-01", "00-" + TRACE_ID + "-ABCDEF7890123456-01",
            "00-" + TRACE_ID + "-" + PARENT_ID + "-0A", "0A-" + TRACE_ID + "-" + PARENT_ID + "-01", "", "garbage" })
    void malformedTraceparentStartsANewTrace(String traceparent) throws Exception {
        Exchange exchange = app.send(header("traceparent", traceparent), header("tracestate", "foo=1"));
        assertNewTrace(exchange);
        assertThat(exchange.outgoing("tracestate")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = { "cc-" + TRACE_ID + "-" + PARENT_ID + "-01",
            "cc-" + TRACE_ID + "-" + PARENT_ID + "-01-what-the-future-will-be-like",
            "01-" + TRACE_ID + "-" + PARENT_ID + "-01-00" })
    void higherVersionIsParsedAsVersion00(String traceparent) throws Exception {
        Exchange exchange = app.send(header("traceparent", traceparent), header("tracestate", "foo=1"));
        assertContinued(exchange);
        assertThat(exchange.outgoingTraceparent()).startsWith("00-" + TRACE_ID + "-").endsWith("-01");
        assertThat(exchange.outgoing("tracestate")).containsExactly("foo=1");
    }

    @Test
    void randomTraceIdFlagIsPropagated() throws Exception {
        Exchange exchange = app.send(header("traceparent", "00-" + TRACE_ID + "-" + PARENT_ID + "-03"));
        assertContinued(exchange);
        assertThat(exchange.outgoingTraceparent()).startsWith("00-" + TRACE_ID + "-").endsWith("-03");
    }

    @Test
    void unknownFlagsAreNotPropagated() throws Exception {
        Exchange exchange = app.send(header("traceparent", "00-" + TRACE_ID + "-" + PARENT_ID + "-ff"));
        assertContinued(exchange);
        assertThat(exchange.outgoingTraceparent()).startsWith("00-" + TRACE_ID + "-").endsWith("-03");
    }

    @Test
    void oversizedTracestateIsDroppedAndAnswered() throws Exception {
        Exchange exchange = app.send(header("traceparent", TRACEPARENT),
                header("tracestate", "foo=" + "x".repeat(8192)));
        assertContinued(exchange);
        assertThat(exchange.outgoing("tracestate")).isEmpty();
    }

    @Test
    void largestValidTracestateIsKept() throws Exception {
        // 32 members of a 256-character key and a 256-character value: about 16KB
        List<String> members = IntStream.range(0, 32)
            .mapToObj((i) -> "k%02d".formatted(i) + "k".repeat(253) + "=" + "v".repeat(256))
            .toList();
        Exchange exchange = app.send(header("traceparent", TRACEPARENT),
                header("tracestate", String.join(",", members)));
        assertContinued(exchange);
        assertThat(exchange.outgoing("tracestate")).containsExactly(String.join(",", members));
    }

    @Test
    void oversizedTraceparentStartsANewTrace() throws Exception {
        Exchange exchange = app.send(header("traceparent", "00-" + "1".repeat(100_000)));
        assertNewTrace(exchange);
    }

    @Test
    void oversizedBaggageIsAnswered() throws Exception {
        Exchange exchange = app.send(header("traceparent", TRACEPARENT),
                header("baggage", "user.tier=gold,big=" + "x".repeat(100 * 1024)));
        assertContinued(exchange);
    }

    @Test
    void manyBaggageAndTracestateHeadersAreAnswered() throws Exception {
        List<String[]> headers = new ArrayList<>();
        headers.add(header("traceparent", TRACEPARENT));
        for (int i = 0; i < 40; i++) {
            headers.add(header("baggage", "k" + i + "=" + "v".repeat(100)));
            headers.add(header("tracestate", "k" + i + "=1"));
        }
        Exchange exchange = app.send(headers.toArray(String[][]::new));
        assertContinued(exchange);
        assertThat(exchange.outgoing("tracestate")).isEmpty();
    }

    static List<Arguments> duplicatedKeysOfTheTestSuite() {
        return List.of(arguments(List.of("foo=1,foo=1"), "foo=1"), arguments(List.of("foo=1,foo=2"), "foo=1"),
                arguments(List.of("foo=1", "foo=1"), "foo=1"), arguments(List.of("foo=1", "foo=2"), "foo=1"));
    }

    static List<String> invalidTracestates() {
        return List.of("FOO=1", "foo =1", "foo.bar=1", "@foo=1,bar=2", "foo=bar=baz", "foo=,bar=3", "foo=1,bar",
                "foo=1," + "z".repeat(257) + "=1", "foo=" + "v".repeat(257), "foo=1\u00e9");
    }

    static void assertContinued(Exchange exchange) {
        assertThat(exchange.status()).as(exchange.response()).isEqualTo(200);
        assertThat(exchange.server().getTraceId()).isEqualTo(TRACE_ID);
        assertThat(exchange.outgoingTraceparent()).startsWith("00-" + TRACE_ID + "-");
    }

    static void assertNewTrace(Exchange exchange) {
        assertThat(exchange.status()).as(exchange.response()).isEqualTo(200);
        assertThat(exchange.server().getTraceId()).isNotEqualTo(TRACE_ID).isNotEqualTo(ZEROS.TRACE);
        assertThat(exchange.server().getParentSpanId()).isEqualTo(ZEROS.PARENT);
        assertThat(exchange.outgoingTraceparent()).startsWith("00-" + exchange.server().getTraceId() + "-");
    }

    static List<String> members(int count) {
        return IntStream.rangeClosed(1, count).mapToObj((i) -> "bar%02d=%02d".formatted(i, i)).toList();
    }

    static String[] header(String name, String value) {
        return new String[] { name, value };
    }

    static final class ZEROS {

        static final String TRACE = "00000000000000000000000000000000";

        static final String PARENT = "0000000000000000";

    }

}
