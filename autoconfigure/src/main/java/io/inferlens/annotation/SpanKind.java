package io.inferlens.annotation;

/**
 * Kind of a span, as in OpenTelemetry's {@code SpanKind}.
 *
 * @author Inferlens
 */
public enum SpanKind {

    /**
     * An operation internal to the application.
     */
    INTERNAL,

    /**
     * A synchronous request to a remote service, such as a model server.
     */
    CLIENT,

    /**
     * The handling of a synchronous request from a remote client.
     */
    SERVER,

    /**
     * The sending of an asynchronous message.
     */
    PRODUCER,

    /**
     * The processing of an asynchronous message.
     */
    CONSUMER

}
