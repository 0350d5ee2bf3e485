package io.inferlens.benchmarks;

import java.util.ArrayList;
import java.util.List;

import io.inferlens.spring.aop.TracedInferencePointcutAdvisor;
import io.inferlens.spring.aop.TracedPointcutAdvisor;
import io.micrometer.core.aop.TimedAspect;
import io.micrometer.observation.aop.ObservedAspect;
import io.micrometer.tracing.annotation.SpanAspect;

/**
 * A benchmarked configuration: the bean to call (a {@link Work}, or the
 * {@link InferenceWork} model call), the properties of its application context, and what
 * that context must have for the figures to be trusted.
 *
 * @author Inferlens
 */
enum Variant {

    /**
     * A method with no annotation, in the starter's default context.
     */
    PLAIN(PlainWork.class, List.of(), List.of(), List.of(ObservedAspect.class, TimedAspect.class), false, false, false),

    /**
     * {@code @Traced} with nothing sampled: observation, unsampled span and timer.
     */
    TRACED_UNSAMPLED(TracedWork.class, List.of("management.tracing.sampling.probability=0.0"),
            List.of(TracedPointcutAdvisor.class), List.of(ObservedAspect.class, TimedAspect.class), true, false, true),

    /**
     * {@code @Traced} with every span sampled and exported.
     */
    TRACED_SAMPLED(TracedWork.class, List.of("management.tracing.sampling.probability=1.0"),
            List.of(TracedPointcutAdvisor.class), List.of(ObservedAspect.class, TimedAspect.class), true, true, true),

    /**
     * Micrometer's {@code @Observed} through Boot's {@code ObservedAspect}, with every
     * span sampled and exported, and Inferlens disabled.
     */
    OBSERVED_SAMPLED(ObservedWork.class,
            List.of("management.tracing.sampling.probability=1.0", "management.observations.annotations.enabled=true",
                    "inferlens.enabled=false"),
            List.of(ObservedAspect.class), List.of(TracedPointcutAdvisor.class), true, true, true),

    /**
     * Micrometer Tracing's {@code @NewSpan} through Boot's {@code SpanAspect}, with every
     * span sampled and exported, and Inferlens disabled: a span, no timer.
     */
    NEW_SPAN_SAMPLED(NewSpanWork.class,
            List.of("management.tracing.sampling.probability=1.0", "management.observations.annotations.enabled=true",
                    "inferlens.enabled=false"),
            List.of(SpanAspect.class), List.of(TracedPointcutAdvisor.class), true, true, false),

    /**
     * Micrometer's {@code @Timed} through Boot's {@code TimedAspect}: a timer, no span.
     */
    TIMED(TimedWork.class, List.of("management.observations.annotations.enabled=true"), List.of(TimedAspect.class),
            List.of(), true, false, true),

    /**
     * {@code @TracedInference} with nothing sampled: observation, unsampled span, and the
     * GenAI metrics with the tokens and the cost read from the response.
     */
    INFERENCE_UNSAMPLED(InferenceWork.class, withPrices("management.tracing.sampling.probability=0.0"),
            List.of(TracedInferencePointcutAdvisor.class), List.of(ObservedAspect.class, TimedAspect.class), true,
            false, true),

    /**
     * {@code @TracedInference} with every span sampled and exported, with its GenAI
     * attributes, and the GenAI metrics with the tokens and the cost.
     */
    INFERENCE_SAMPLED(InferenceWork.class, withPrices("management.tracing.sampling.probability=1.0"),
            List.of(TracedInferencePointcutAdvisor.class), List.of(ObservedAspect.class, TimedAspect.class), true, true,
            true);

    /**
     * Properties of every variant: quiet, nothing beyond what is measured.
     */
    static final List<String> COMMON_PROPERTIES = List.of("spring.application.name=inferlens-benchmarks",
            "spring.main.banner-mode=off", "spring.main.log-startup-info=false", "spring.jmx.enabled=false",
            "logging.level.root=warn");

    private final Class<?> beanType;

    private final List<String> properties;

    private final List<Class<?>> requiredBeans;

    private final List<Class<?>> absentBeans;

    private final boolean proxied;

    private final boolean sampled;

    private final boolean timed;

    Variant(Class<?> beanType, List<String> properties, List<Class<?>> requiredBeans, List<Class<?>> absentBeans,
            boolean proxied, boolean sampled, boolean timed) {
        this.beanType = beanType;
        this.properties = properties;
        this.requiredBeans = requiredBeans;
        this.absentBeans = absentBeans;
        this.proxied = proxied;
        this.sampled = sampled;
        this.timed = timed;
    }

    /**
     * Type of the bean to call: a {@link Work}, or {@link InferenceWork}.
     * @return the bean type
     */
    Class<?> getBeanType() {
        return this.beanType;
    }

    /**
     * Whether the bean is the {@link InferenceWork} model call, whose span is named
     * {@link InferenceWork#SPAN_NAME}, whose timer is the GenAI duration histogram, and
     * whose calls must record tokens and a cost.
     * @return whether the variant observes a model call
     */
    boolean isInference() {
        return this.beanType == InferenceWork.class;
    }

    /**
     * Properties of the application context, beyond {@link #COMMON_PROPERTIES}.
     * @return the properties as {@code key=value}
     */
    List<String> getProperties() {
        return this.properties;
    }

    /**
     * Types of the beans the context must have.
     * @return the bean types
     */
    List<Class<?>> getRequiredBeans() {
        return this.requiredBeans;
    }

    /**
     * Types of the beans the context must not have.
     * @return the bean types
     */
    List<Class<?>> getAbsentBeans() {
        return this.absentBeans;
    }

    /**
     * Whether the bean must be an AOP proxy.
     * @return whether the bean is advised
     */
    boolean isProxied() {
        return this.proxied;
    }

    /**
     * Whether every call must produce an exported span.
     * @return whether spans are sampled
     */
    boolean isSampled() {
        return this.sampled;
    }

    /**
     * Whether every call must be counted by a timer: named after the operation, or the
     * GenAI duration histogram of a model call.
     * @return whether calls are timed
     */
    boolean isTimed() {
        return this.timed;
    }

    private static List<String> withPrices(String... properties) {
        List<String> all = new ArrayList<>(List.of(properties));
        all.addAll(InferenceWork.PRICING_PROPERTIES);
        return List.copyOf(all);
    }

}
