package io.inferlens.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a routing method: one that scores candidate targets (a lightweight or a powerful
 * model, or any named target) and picks one. Each call is a {@code routing_request} span
 * whose children are the stages recorded with
 * {@link io.inferlens.routing.RoutingRecorder} ({@code feature_engineering},
 * {@code model_inference}, {@code uncertainty_estimation},
 * {@code circuit_breaker_check}), and is counted in {@code inferlens.routing.requests}
 * and timed in {@code inferlens.routing.latency}.
 * <p>
 * The decision is taken from the return value when it implements
 * {@link io.inferlens.routing.RoutingDecision}, or through a
 * {@link io.inferlens.routing.RoutingDecisionExtractor}, unless the method recorded one
 * with {@link io.inferlens.routing.RoutingRecorder#recordDecision}. A
 * {@link java.util.concurrent.CompletionStage} result is observed until it completes.
 *
 * @author Inferlens
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface TracedRouting {

}
