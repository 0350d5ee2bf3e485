package io.inferlens.observation;

/**
 * An {@link io.micrometer.observation.Observation.Context observation context} of an
 * operation that Inferlens instruments ({@code @Traced} methods, inferences, routing
 * stages), whose failures {@link ErrorsObservationHandler} counts.
 *
 * @author Inferlens
 */
public interface InstrumentedOperation {

    /**
     * Low-cardinality name of the operation, the {@code operation} tag of
     * {@code inferlens.errors}: such as {@code gateway.route}, {@code chat} or
     * {@code routing_request}.
     * @return the operation name
     */
    String getOperationName();

}
