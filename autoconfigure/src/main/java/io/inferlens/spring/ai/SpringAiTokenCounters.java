package io.inferlens.spring.ai;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.Observation;

import org.springframework.ai.chat.observation.ChatModelMeterObservationHandler;
import org.springframework.ai.embedding.observation.EmbeddingModelMeterObservationHandler;

/**
 * Stand-ins for Spring AI's token counter handlers, which register
 * {@code gen_ai.client.token.usage} as a counter where the OpenTelemetry conventions and
 * Inferlens make it a histogram: defined as beans of Spring AI's types, they make Spring
 * AI's observation auto-configurations back off, and handle no observation. Inferlens'
 * histograms count the same tokens. (Inferlens also denies the counter with a
 * {@code MeterFilter}, for a handler registered otherwise; a denied meter is looked up
 * again on every call, so not registering it at all is cheaper.)
 *
 * @author Inferlens
 */
public final class SpringAiTokenCounters {

    private SpringAiTokenCounters() {
    }

    /**
     * Stands in for Spring AI's chat token counter.
     */
    public static final class Chat extends ChatModelMeterObservationHandler {

        /**
         * Create the stand-in.
         * @param registry the registry, unused
         */
        public Chat(MeterRegistry registry) {
            super(registry);
        }

        @Override
        public boolean supportsContext(Observation.Context context) {
            return false;
        }

    }

    /**
     * Stands in for Spring AI's embedding token counter.
     */
    public static final class Embedding extends EmbeddingModelMeterObservationHandler {

        /**
         * Create the stand-in.
         * @param registry the registry, unused
         */
        public Embedding(MeterRegistry registry) {
            super(registry);
        }

        @Override
        public boolean supportsContext(Observation.Context context) {
            return false;
        }

    }

}
