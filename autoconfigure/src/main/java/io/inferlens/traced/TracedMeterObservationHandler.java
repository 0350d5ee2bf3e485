package io.inferlens.traced;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.MeterObservationHandler;
import io.micrometer.observation.Observation;

/**
 * {@link MeterObservationHandler} for {@link io.inferlens.annotation.Traced @Traced}
 * methods: one timer named after the operation, tagged with the observation's
 * low-cardinality key-values and {@code error} (the exception's simple class name, or
 * {@code none}), as Micrometer's default handler does.
 * <p>
 * Unlike the default handler, it keeps no long-task timer of calls in flight and looks up
 * no meter on the hot path: timers are registered once per distinct name and set of tags
 * and cached, and the start time is kept in the context rather than in a
 * {@link Timer.Sample}.
 *
 * @author Inferlens
 */
public class TracedMeterObservationHandler implements MeterObservationHandler<TracedObservationContext> {

    /**
     * Distinct timers cached; past this, timers are looked up in the registry on each
     * call, so a convention with unbounded values cannot grow the cache.
     */
    static final int MAX_CACHED_TIMERS = 4096;

    private static final String NO_ERROR = "none";

    private final MeterRegistry registry;

    private final Clock clock;

    private final Map<TimerKey, Timer> timers = new ConcurrentHashMap<>();

    /**
     * Create a handler that registers timers in the given registry.
     * @param registry the meter registry
     */
    public TracedMeterObservationHandler(MeterRegistry registry) {
        this.registry = registry;
        this.clock = registry.config().clock();
    }

    @Override
    public void onStart(TracedObservationContext context) {
        context.setStartNanos(this.clock.monotonicTime());
    }

    @Override
    public void onStop(TracedObservationContext context) {
        long duration = this.clock.monotonicTime() - context.getStartNanos();
        timer(context).record(duration, TimeUnit.NANOSECONDS);
    }

    @Override
    public boolean supportsContext(Observation.Context context) {
        return context instanceof TracedObservationContext;
    }

    private Timer timer(TracedObservationContext context) {
        Throwable error = context.getError();
        TimerKey key = new TimerKey(context.getName(), context.getLowCardinalityKeyValues(),
                (error != null) ? error.getClass().getSimpleName() : NO_ERROR);
        Timer timer = this.timers.get(key);
        if (timer == null) {
            timer = register(key);
            if (this.timers.size() < MAX_CACHED_TIMERS) {
                this.timers.putIfAbsent(key, timer);
            }
        }
        return timer;
    }

    private Timer register(TimerKey key) {
        Tags tags = Tags.of("error", key.error());
        for (KeyValue keyValue : key.keyValues()) {
            tags = tags.and(keyValue.getKey(), keyValue.getValue());
        }
        return Timer.builder(key.name())
            .description("Duration of a @Traced operation")
            .tags(tags)
            .register(this.registry);
    }

    private record TimerKey(String name, KeyValues keyValues, String error) {

    }

}
