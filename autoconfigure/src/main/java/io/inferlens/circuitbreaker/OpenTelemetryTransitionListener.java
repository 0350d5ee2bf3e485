package io.inferlens.circuitbreaker;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;

/**
 * {@link TransitionListener} that adds the transition as an event with attributes to
 * OpenTelemetry's current span, {@link Span#current()}: the span of the current
 * observation when Micrometer Tracing's OpenTelemetry bridge is in use. Nothing is
 * recorded when the current span is not recording (none, or not sampled).
 * <p>
 * The only class of this package that needs {@code opentelemetry-api}; do not load it
 * without.
 *
 * @author Inferlens
 */
public class OpenTelemetryTransitionListener implements TransitionListener {

    private static final AttributeKey<String> NAME = AttributeKey.stringKey(NAME_ATTRIBUTE);

    private static final AttributeKey<String> FROM_STATE = AttributeKey.stringKey(FROM_STATE_ATTRIBUTE);

    private static final AttributeKey<String> TO_STATE = AttributeKey.stringKey(TO_STATE_ATTRIBUTE);

    @Override
    public void onTransition(String circuitBreakerName, String fromState, String toState) {
        Span span = Span.current();
        if (span.isRecording()) {
            span.addEvent(EVENT_NAME,
                    Attributes.of(NAME, circuitBreakerName, FROM_STATE, fromState, TO_STATE, toState));
        }
    }

}
