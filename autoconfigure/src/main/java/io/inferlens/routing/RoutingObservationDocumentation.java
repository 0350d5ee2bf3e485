package io.inferlens.routing;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/**
 * Documents the observations of a routing call and its stages. Their meters come from
 * {@link RoutingMeterObservationHandler}, whose tags are fixed; the key-values below are
 * span attributes.
 *
 * @author Inferlens
 */
public enum RoutingObservationDocumentation implements ObservationDocumentation {

    /**
     * A routing call, from {@link io.inferlens.annotation.TracedRouting @TracedRouting}
     * or {@link RoutingRecorder#route}. Span {@code routing_request}.
     */
    ROUTING_REQUEST(RoutingStage.REQUEST, new KeyName[] { LowCardinalityKeyNames.STATUS },
            new KeyName[] { HighCardinalityKeyNames.TARGET, HighCardinalityKeyNames.CONFIDENCE,
                    HighCardinalityKeyNames.UNCERTAINTY, HighCardinalityKeyNames.CANDIDATES }),

    /**
     * Feature engineering. Span {@code feature_engineering}.
     */
    FEATURE_ENGINEERING(RoutingStage.FEATURE_ENGINEERING, new KeyName[] { LowCardinalityKeyNames.BATCH_SIZE_RANGE },
            new KeyName[] { HighCardinalityKeyNames.BATCH_SIZE }),

    /**
     * Scoring by one candidate model. Span {@code model_inference}.
     */
    MODEL_INFERENCE(RoutingStage.MODEL_INFERENCE, new KeyName[] { LowCardinalityKeyNames.MODEL_TYPE }, new KeyName[0]),

    /**
     * Uncertainty estimation. Span {@code uncertainty_estimation}.
     */
    UNCERTAINTY_ESTIMATION(RoutingStage.UNCERTAINTY_ESTIMATION, new KeyName[0], new KeyName[0]),

    /**
     * A circuit breaker check. Span {@code circuit_breaker_check}.
     */
    CIRCUIT_BREAKER_CHECK(RoutingStage.CIRCUIT_BREAKER_CHECK, new KeyName[] { LowCardinalityKeyNames.CIRCUIT_BREAKER },
            new KeyName[0]);

    private final RoutingStage stage;

    private final KeyName[] lowCardinalityKeyNames;

    private final KeyName[] highCardinalityKeyNames;

    RoutingObservationDocumentation(RoutingStage stage, KeyName[] lowCardinalityKeyNames,
            KeyName[] highCardinalityKeyNames) {
        this.stage = stage;
        this.lowCardinalityKeyNames = lowCardinalityKeyNames;
        this.highCardinalityKeyNames = highCardinalityKeyNames;
    }

    @Override
    public String getName() {
        return this.stage.getObservationName();
    }

    @Override
    public String getContextualName() {
        return this.stage.getSpanName();
    }

    @Override
    public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
        return DefaultRoutingObservationConvention.class;
    }

    @Override
    public KeyName[] getLowCardinalityKeyNames() {
        return this.lowCardinalityKeyNames.clone();
    }

    @Override
    public KeyName[] getHighCardinalityKeyNames() {
        return this.highCardinalityKeyNames.clone();
    }

    /**
     * Low-cardinality keys.
     */
    public enum LowCardinalityKeyNames implements KeyName {

        /**
         * Outcome of a routing call: {@code success}, or {@code failure} when it threw.
         */
        STATUS {
            @Override
            public String asString() {
                return "inferlens.routing.status";
            }
        },

        /**
         * Range of the batch size of a feature engineering stage.
         */
        BATCH_SIZE_RANGE {
            @Override
            public String asString() {
                return "inferlens.routing.batch_size_range";
            }
        },

        /**
         * Type of the model of a model inference stage.
         */
        MODEL_TYPE {
            @Override
            public String asString() {
                return "inferlens.routing.model_type";
            }
        },

        /**
         * Name of the circuit breaker checked.
         */
        CIRCUIT_BREAKER {
            @Override
            public String asString() {
                return "inferlens.routing.circuit_breaker";
            }
        }

    }

    /**
     * High-cardinality keys: span attributes only.
     */
    public enum HighCardinalityKeyNames implements KeyName {

        /**
         * Target picked by a routing call.
         */
        TARGET {
            @Override
            public String asString() {
                return "inferlens.routing.target";
            }
        },

        /**
         * Confidence of the decision, when valid.
         */
        CONFIDENCE {
            @Override
            public String asString() {
                return "inferlens.routing.confidence";
            }
        },

        /**
         * Uncertainty of the decision, when valid.
         */
        UNCERTAINTY {
            @Override
            public String asString() {
                return "inferlens.routing.uncertainty";
            }
        },

        /**
         * Number of candidates scored.
         */
        CANDIDATES {
            @Override
            public String asString() {
                return "inferlens.routing.candidates";
            }
        },

        /**
         * Batch size of a feature engineering stage.
         */
        BATCH_SIZE {
            @Override
            public String asString() {
                return "inferlens.routing.batch_size";
            }
        }

    }

}
