package io.inferlens.propagation;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.samplers.Sampler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The W3C Trace Context test suite (w3c/trace-context, {@code test/test.py}) brought to a
 * single JVM: a service that extracts the incoming headers with the
 * {@link StrictW3CTraceContextPropagator} around W3C and baggage (as Boot composes them),
 * starts its server span with the OpenTelemetry SDK and a parent-based sampler, and makes
 * outgoing calls, each in a client span whose context the propagator injects; and the
 * harness's reading of those calls' headers ({@code tracecontext/traceparent.py} and
 * {@code tracestate.py}): exactly one {@code traceparent} of version {@code 00} with
 * non-zero ids, and {@code tracestate} members that must each be valid, the first of a
 * duplicated key kept.
 *
 * @author Inferlens
 */
final class W3CTestSuiteHarness implements AutoCloseable {

    private static final Pattern TRACEPARENT_FORMAT = Pattern
        .compile("^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$");

    private static final Pattern TRACESTATE_DELIMITER = Pattern.compile("[ \t]*,[ \t]*");

    private static final Pattern TRACESTATE_MEMBER = Pattern.compile("^([0-9a-z][_0-9a-z\\-*/@]{0,255})(=)"
            + "([\\x20-\\x2b\\x2d-\\x3c\\x3e-\\x7e]{0,255}[\\x21-\\x2b\\x2d-\\x3c\\x3e-\\x7e])$");

    private final TextMapPropagator propagator = new StrictW3CTraceContextPropagator(
            TextMapPropagator.composite(W3CTraceContextPropagator.getInstance(), W3CBaggagePropagator.getInstance()));

    private final SdkTracerProvider tracerProvider = SdkTracerProvider.builder()
        .setSampler(Sampler.parentBased(Sampler.alwaysOn()))
        .build();

    private final Tracer tracer = this.tracerProvider.get("w3c-test-service");

    /**
     * Send a request with the given header lines, in order, and return the trace context
     * of the one call the service makes.
     * @param headers name and value of each header line
     * @return the harness's reading of the outgoing call's headers
     */
    Callback send(String[]... headers) {
        List<Callback> callbacks = send(1, headers);
        return callbacks.get(0);
    }

    /**
     * Send a request with the given header lines and ask the service to call back the
     * harness the given number of times.
     * @param calls the number of outgoing calls
     * @param headers name and value of each header line
     * @return the harness's reading of each outgoing call's headers
     */
    List<Callback> send(int calls, String[]... headers) {
        Context extracted = this.propagator.extract(Context.root(), List.of(headers), HeaderLines.GETTER);
        Span server = this.tracer.spanBuilder("POST /test")
            .setSpanKind(SpanKind.SERVER)
            .setParent(extracted)
            .startSpan();
        List<Callback> callbacks = new ArrayList<>();
        try (Scope scope = server.makeCurrent()) {
            for (int i = 0; i < calls; i++) {
                Span client = this.tracer.spanBuilder("POST").setSpanKind(SpanKind.CLIENT).startSpan();
                List<String[]> outgoing = new ArrayList<>();
                this.propagator.inject(Context.current().with(client), outgoing,
                        (carrier, key, value) -> carrier.add(new String[] { key, value }));
                client.end();
                callbacks.add(Callback.read(outgoing));
            }
        }
        finally {
            server.end();
        }
        return callbacks;
    }

    @Override
    public void close() {
        this.tracerProvider.close();
    }

    static String[] header(String name, String value) {
        return new String[] { name, value };
    }

    /**
     * A {@code traceparent} as the harness parses it.
     */
    record Traceparent(String traceId, String parentId, int traceFlags) {

        static Traceparent parse(String value) {
            Matcher matcher = TRACEPARENT_FORMAT.matcher(value);
            assertThat(matcher.matches()).as("outgoing traceparent %s", value).isTrue();
            assertThat(matcher.group(1)).as("version of %s", value).isEqualTo("00");
            assertThat(matcher.group(2)).as("trace-id of %s", value).isNotEqualTo("0".repeat(32));
            assertThat(matcher.group(3)).as("parent-id of %s", value).isNotEqualTo("0".repeat(16));
            return new Traceparent(matcher.group(2), matcher.group(3), Integer.parseInt(matcher.group(4), 16));
        }

    }

    /**
     * The headers of an outgoing call as the harness reads them.
     *
     * @param traceparent the only {@code traceparent}
     * @param tracestate the members of every {@code tracestate} line, in order, the first
     * of a duplicated key kept
     * @param tracestateLines the {@code tracestate} lines as sent
     */
    record Callback(Traceparent traceparent, Map<String, String> tracestate, List<String> tracestateLines) {

        static Callback read(List<String[]> headers) {
            List<String> traceparents = values(headers, "traceparent");
            assertThat(traceparents).as("expect one traceparent header").hasSize(1);
            List<String> tracestateLines = values(headers, "tracestate");
            Map<String, String> tracestate = new LinkedHashMap<>();
            for (String line : tracestateLines) {
                for (String member : TRACESTATE_DELIMITER.split(line, -1)) {
                    if (!member.isEmpty()) {
                        Matcher matcher = TRACESTATE_MEMBER.matcher(member);
                        if (!matcher.matches()) {
                            fail("illegal key-value format '%s' in outgoing tracestate '%s'", member, line);
                        }
                        tracestate.putIfAbsent(matcher.group(1), matcher.group(3));
                    }
                }
            }
            return new Callback(Traceparent.parse(traceparents.get(0)), tracestate, tracestateLines);
        }

        private static List<String> values(List<String[]> headers, String name) {
            return headers.stream()
                .filter((header) -> header[0].equalsIgnoreCase(name))
                .map((header) -> header[1])
                .toList();
        }

        /**
         * The trace state as the harness prints it, {@code str(tracestate)}.
         * @return the members joined by commas
         */
        String tracestateString() {
            return this.tracestate.entrySet()
                .stream()
                .map((entry) -> entry.getKey() + "=" + entry.getValue())
                .collect(Collectors.joining(","));
        }

    }

    /**
     * Header lines of a request, names matched ignoring case and repeated lines all
     * returned in order, as a servlet container does.
     */
    static final class HeaderLines implements TextMapGetter<List<String[]>> {

        static final HeaderLines GETTER = new HeaderLines();

        @Override
        public Iterable<String> keys(List<String[]> carrier) {
            return carrier.stream().map((header) -> header[0]).distinct().toList();
        }

        @Override
        public String get(List<String[]> carrier, String key) {
            Iterator<String> values = getAll(carrier, key);
            return values.hasNext() ? values.next() : null;
        }

        @Override
        public Iterator<String> getAll(List<String[]> carrier, String key) {
            return Callback.values(carrier, key).iterator();
        }

    }

}
