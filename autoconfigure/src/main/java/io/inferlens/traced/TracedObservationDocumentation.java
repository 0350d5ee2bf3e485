package io.inferlens.traced;

import io.inferlens.observation.ErrorTypes;
import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/**
 * Documents the observation of a {@link io.inferlens.annotation.Traced @Traced} method.
 *
 * @author Inferlens
 */
public enum TracedObservationDocumentation implements ObservationDocumentation {

    /**
     * A call of a {@code @Traced} method. Its name is the operation name given by the
     * annotation or derived from the class and method.
     */
    TRACED {
        @Override
        public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
            return DefaultTracedObservationConvention.class;
        }

        @Override
        public KeyName[] getLowCardinalityKeyNames() {
            return LowCardinalityKeyNames.values();
        }

        @Override
        public KeyName[] getHighCardinalityKeyNames() {
            return HighCardinalityKeyNames.values();
        }
    };

    /**
     * Low-cardinality keys: span attributes and timer tags. The static attributes of the
     * annotation are added to these.
     */
    public enum LowCardinalityKeyNames implements KeyName {

        /**
         * Fully qualified class name of the exception a call failed with; absent (an
         * empty tag) when it succeeded.
         */
        ERROR_TYPE {
            @Override
            public String asString() {
                return ErrorTypes.KEY;
            }
        }

    }

    /**
     * High-cardinality keys: span attributes only. Static per method, they are set by
     * {@link TracedTracingObservationHandler} on recorded spans rather than carried as
     * key-values of every observation.
     */
    public enum HighCardinalityKeyNames implements KeyName {

        /**
         * Fully qualified name of the method, as OpenTelemetry's
         * {@code code.function.name}.
         */
        CODE_FUNCTION_NAME {
            @Override
            public String asString() {
                return "code.function.name";
            }
        }

    }

}
