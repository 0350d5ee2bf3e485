package io.inferlens.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method, or every public method of a type, to be observed: each call produces an
 * OpenTelemetry span (through Micrometer Tracing) and a timer named after the operation,
 * tagged with its outcome.
 * <p>
 * {@code @Traced("demo.work")} yields a span named {@code demo.work} and the Prometheus
 * series {@code demo_work_seconds_count}, {@code demo_work_seconds_sum} and
 * {@code demo_work_seconds_max}. A method-level annotation wins over a type-level one.
 *
 * @author Inferlens
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.METHOD, ElementType.TYPE })
public @interface Traced {

    /**
     * Name of the operation: the span name and the timer name. When empty, derived from
     * the class and method, {@code OrderService.placeOrder} becoming
     * {@code order_service.place_order}.
     * @return the operation name
     */
    String value() default "";

    /**
     * Kind of the span.
     * @return the span kind
     */
    SpanKind kind() default SpanKind.INTERNAL;

    /**
     * Static attributes recorded as low-cardinality key-values: span attributes and timer
     * tags. Keep their values few.
     * @return the attributes
     */
    Attribute[] attributes() default {};

    /**
     * A static key-value pair of a {@link Traced} operation.
     */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target({})
    @interface Attribute {

        /**
         * Key of the attribute.
         * @return the key
         */
        String key();

        /**
         * Value of the attribute.
         * @return the value
         */
        String value();

    }

}
