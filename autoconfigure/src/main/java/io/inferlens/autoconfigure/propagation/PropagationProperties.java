package io.inferlens.autoconfigure.propagation;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of trace context propagation. The formats themselves are Boot's:
 * {@code management.tracing.propagation.type} (or {@code .consume} and {@code .produce})
 * and {@code management.tracing.baggage.*}.
 *
 * @author Inferlens
 */
@ConfigurationProperties("inferlens.tracing.propagation")
public class PropagationProperties {

    /**
     * Whether to extract W3C Trace Context as Level 2 requires where OpenTelemetry reads
     * only the first header value: a duplicated traceparent starts a new trace, several
     * tracestate headers are combined, and tracestate keys follow the Level 2 grammar.
     * Has no effect when W3C is not among the consumed propagation types.
     */
    private boolean strictW3c = true;

    public boolean isStrictW3c() {
        return this.strictW3c;
    }

    public void setStrictW3c(boolean strictW3c) {
        this.strictW3c = strictW3c;
    }

}
