package io.inferlens.routing;

import io.inferlens.observation.ErrorTypes;
import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/**
 * Documents the observations of a routing call and its stages, named
 * {@code inferlens.routing.<stage>} with the stage's name as span name
 * ({@code inferlens.routing.request} and {@code routing_request} for the call itself).
 * Their low-cardinality key-values are span attributes and the tags of the meters of
 * {@link RoutingMeterObservationHandler}.
 *
 * @author Inferlens
 */
public enum RoutingObservationDocumentation implements ObservationDocumentation {

    /**
     * A routing call, from {@link io.inferlens.annotation.TracedRouting @TracedRouting}
     * or {@link RoutingRecorder#route}. Span {@code routing_request}.
     */
    ROUTING_REQUEST(new KeyName[] { LowCardinalityKeyNames.ERROR_TYPE },
            new KeyName[] { HighCardinalityKeyNames.TARGET, HighCardinalityKeyNames.CONFIDENCE,
                    HighCardinalityKeyNames.UNCERTAINTY, HighCardinalityKeyNames.CANDIDATES }),

    /**
     * Feature engineering. Span {@code feature_engineering}.
     */
    FEATURE_ENGINEERING(new KeyName[] { LowCardinalityKeyNames.STAGE, LowCardinalityKeyNames.ERROR_TYPE,
            LowCardinalityKeyNames.BATCH_SIZE_RANGE }, new KeyName[] { HighCardinalityKeyNames.BATCH_SIZE }),

    /**
     * Scoring by one candidate model. Span {@code model_inference}.
     */
    MODEL_INFERENCE(new KeyName[] { LowCardinalityKeyNames.STAGE, LowCardinalityKeyNames.ERROR_TYPE,
            LowCardinalityKeyNames.MODEL_TYPE }, new KeyName[0]),

    /**
     * Uncertainty estimation. Span {@code uncertainty_estimation}.
     */
    UNCERTAINTY_ESTIMATION(new KeyName[] { LowCardinalityKeyNames.STAGE, LowCardinalityKeyNames.ERROR_TYPE },
            new KeyName[0]),

    /**
     * A circuit breaker check. Span {@code circuit_breaker_check}.
     */
    CIRCUIT_BREAKER_CHECK(new KeyName[] { LowCardinalityKeyNames.STAGE, LowCardinalityKeyNames.ERROR_TYPE },
            new KeyName[] { HighCardinalityKeyNames.CIRCUIT_BREAKER }),

    /**
     * A stage of the application's own, made with {@link RoutingStage#of}. Span and
     * {@code stage} value: the stage's name; observation
     * {@code inferlens.routing.<name>}.
     */
    STAGE(new KeyName[] { LowCardinalityKeyNames.STAGE, LowCardinalityKeyNames.ERROR_TYPE }, new KeyName[0]);

    private final KeyName[] lowCardinalityKeyNames;

    private final KeyName[] highCardinalityKeyNames;

    RoutingObservationDocumentation(KeyName[] lowCardinalityKeyNames, KeyName[] highCardinalityKeyNames) {
        this.lowCardinalityKeyNames = lowCardinalityKeyNames;
        this.highCardinalityKeyNames = highCardinalityKeyNames;
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
     * Low-cardinality keys: span attributes and meter tags.
     */
    public enum LowCardinalityKeyNames implements KeyName {

        /**
         * Fully qualified class name of the exception the call or stage failed with;
         * absent (an empty tag) when it succeeded.
         */
        ERROR_TYPE {
            @Override
            public String asString() {
                return ErrorTypes.KEY;
            }
        },

        /**
         * Name of the stage, such as {@code feature_engineering}.
         */
        STAGE {
            @Override
            public String asString() {
                return "stage";
            }
        },

        /**
         * Range of the batch size of a feature engineering stage.
         */
        BATCH_SIZE_RANGE {
            @Override
            public String asString() {
                return "batch_size_range";
            }
        },

        /**
         * Type of the model of a model inference stage.
         */
        MODEL_TYPE {
            @Override
            public String asString() {
                return "model_type";
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

}
