package io.inferlens.traced;

import java.util.concurrent.TimeUnit;

import io.inferlens.metrics.MeterCache;
import io.inferlens.metrics.ObservationTags;
import io.micrometer.common.KeyValues;
import io.micrometer.common.docs.KeyName;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.MeterObservationHandler;
import io.micrometer.observation.Observation;

/**
 * {@link MeterObservationHandler} for {@link io.inferlens.annotation.Traced @Traced}
 * methods: one timer named after the observation, tagged with its low-cardinality
 * key-values as the convention made them ({@code error.type} and the annotation's static
 * attributes by default), so that a convention changes the span and the series alike.
 * <p>
 * Unlike Micrometer's default handler, it keeps no long-task timer of calls in flight and
 * looks up no meter on the hot path: timers are registered once per distinct name and set
 * of key-values and cached, and the start time is kept in the context rather than in a
 * {@link Timer.Sample}.
 *
 * @author Inferlens
 */
public class TracedMeterObservationHandler implements MeterObservationHandler<TracedObservationContext> {

    private static final KeyName[] DOCUMENTED_KEYS = TracedObservationDocumentation.TRACED.getLowCardinalityKeyNames();

    private final Clock clock;

    private final MeterCache<TimerKey, Timer> timers;

    /**
     * Create a handler that registers timers in the given registry.
     * @param registry the meter registry
     */
    public TracedMeterObservationHandler(MeterRegistry registry) {
        this.clock = registry.config().clock();
        this.timers = new MeterCache<>((key) -> Timer.builder(key.name())
            .description("Duration of a @Traced operation")
            .tags(ObservationTags.of(key.keyValues(), DOCUMENTED_KEYS))
            .register(registry));
    }

    @Override
    public void onStart(TracedObservationContext context) {
        context.setStartNanos(this.clock.monotonicTime());
    }

    @Override
    public void onStop(TracedObservationContext context) {
        long duration = this.clock.monotonicTime() - context.getStartNanos();
        this.timers.get(new TimerKey(context.getName(), context.getLowCardinalityKeyValues()))
            .record(duration, TimeUnit.NANOSECONDS);
    }

    @Override
    public boolean supportsContext(Observation.Context context) {
        return context instanceof TracedObservationContext;
    }

    private record TimerKey(String name, KeyValues keyValues) {

    }

}
