package io.inferlens.benchmarks;

import java.util.List;

import io.inferlens.traced.TracedPointcutAdvisor;
import io.micrometer.core.aop.TimedAspect;
import io.micrometer.observation.aop.ObservedAspect;

/**
 * A benchmarked configuration: the {@link Work} bean, the properties of its application
 * context, and what that context must have for the figures to be trusted.
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
     * Micrometer's {@code @Timed} through Boot's {@code TimedAspect}: a timer, no span.
     */
    TIMED(TimedWork.class, List.of("management.observations.annotations.enabled=true"), List.of(TimedAspect.class),
            List.of(), true, false, true);

    /**
     * Properties of every variant: quiet, nothing beyond what is measured.
     */
    static final List<String> COMMON_PROPERTIES = List.of("spring.application.name=inferlens-benchmarks",
            "spring.main.banner-mode=off", "spring.main.log-startup-info=false", "spring.jmx.enabled=false",
            "logging.level.root=warn");

    private final Class<? extends Work> workType;

    private final List<String> properties;

    private final List<Class<?>> requiredBeans;

    private final List<Class<?>> absentBeans;

    private final boolean proxied;

    private final boolean sampled;

    private final boolean timed;

    Variant(Class<? extends Work> workType, List<String> properties, List<Class<?>> requiredBeans,
            List<Class<?>> absentBeans, boolean proxied, boolean sampled, boolean timed) {
        this.workType = workType;
        this.properties = properties;
        this.requiredBeans = requiredBeans;
        this.absentBeans = absentBeans;
        this.proxied = proxied;
        this.sampled = sampled;
        this.timed = timed;
    }

    /**
     * Type of the {@link Work} bean.
     * @return the work type
     */
    Class<? extends Work> getWorkType() {
        return this.workType;
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
     * Whether the {@link Work} bean must be an AOP proxy.
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
     * Whether every call must be counted by a timer named after the operation.
     * @return whether calls are timed
     */
    boolean isTimed() {
        return this.timed;
    }

}
