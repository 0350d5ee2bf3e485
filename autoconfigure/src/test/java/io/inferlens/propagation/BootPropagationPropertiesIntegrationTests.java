package io.inferlens.propagation;

import io.inferlens.propagation.PropagationTestApp.Exchange;
import io.opentelemetry.api.common.AttributeKey;
import org.junit.jupiter.api.Test;

import static io.inferlens.propagation.W3CPropagationIntegrationTests.PARENT_ID;
import static io.inferlens.propagation.W3CPropagationIntegrationTests.TRACEPARENT;
import static io.inferlens.propagation.W3CPropagationIntegrationTests.TRACE_ID;
import static io.inferlens.propagation.W3CPropagationIntegrationTests.header;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Boot's propagation and baggage properties with the Inferlens strict W3C propagation on
 * a real embedded Tomcat: B3 only, the Inferlens property that turns the strict W3C
 * extraction off, and baggage fields propagated, tagged and correlated.
 *
 * @author Inferlens
 */
class BootPropagationPropertiesIntegrationTests {

    @Test
    void b3PropagationTypeContinuesAnIncomingB3TraceAndIgnoresTraceparent() throws Exception {
        try (PropagationTestApp app = PropagationTestApp.start("management.tracing.propagation.type=b3")) {
            Exchange exchange = app.send(header("b3", TRACE_ID + "-" + PARENT_ID + "-1"),
                    header("traceparent", "00-" + TRACE_ID.replace('1', 'a') + "-" + PARENT_ID + "-01"),
                    header("traceparent", TRACEPARENT));
            assertThat(exchange.status()).isEqualTo(200);
            assertThat(exchange.server().getTraceId()).isEqualTo(TRACE_ID);
            assertThat(exchange.server().getParentSpanId()).isEqualTo(PARENT_ID);
            assertThat(exchange.outgoing("b3")).singleElement().asString().startsWith(TRACE_ID + "-");
            assertThat(exchange.outgoing("traceparent")).isEmpty();
        }
    }

    @Test
    void strictW3cOffLeavesOpenTelemetrysExtraction() throws Exception {
        try (PropagationTestApp app = PropagationTestApp.start("inferlens.tracing.propagation.strict-w3c=false")) {
            Exchange exchange = app.send(header("traceparent", TRACEPARENT),
                    header("traceparent", "00-" + TRACE_ID.replace('1', 'a') + "-" + PARENT_ID + "-01"),
                    header("tracestate", "foo=1"), header("tracestate", "bar=2"));
            // OpenTelemetry reads the first value of each header only
            assertThat(exchange.status()).isEqualTo(200);
            assertThat(exchange.server().getTraceId()).isEqualTo(TRACE_ID);
            assertThat(exchange.outgoing("tracestate")).containsExactly("foo=1");
        }
    }

    @Test
    void baggageFieldTravelsToTheOutgoingCallAndShowsAsSpanTagAndLogField() throws Exception {
        try (PropagationTestApp app = PropagationTestApp.start("management.tracing.baggage.remote-fields=user.tier",
                "management.tracing.baggage.tag-fields=user.tier",
                "management.tracing.baggage.correlation.fields=user.tier")) {
            Exchange exchange = app.send(header("traceparent", TRACEPARENT), header("baggage", "user.tier=gold"));
            assertThat(exchange.status()).isEqualTo(200);
            assertThat(exchange.server().getTraceId()).isEqualTo(TRACE_ID);
            assertThat(exchange.outgoing("baggage")).singleElement().asString().contains("user.tier=gold");
            assertThat(exchange.server().getAttributes().get(AttributeKey.stringKey("user.tier"))).isEqualTo("gold");
            assertThat(exchange.body()).isEqualTo("mdc.user.tier=gold;baggage=gold");
        }
    }

}
