package io.inferlens.spring.actuate;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import io.inferlens.circuitbreaker.CircuitBreakerMetrics;
import io.inferlens.errors.RecentErrors;
import io.inferlens.experiments.Experiments;
import io.inferlens.observation.FailureLog;
import io.inferlens.spring.actuate.ErrorDescriptors.ErrorList;
import io.inferlens.spring.actuate.ExperimentDescriptors.Experiment;
import io.inferlens.spring.actuate.ExperimentDescriptors.ExperimentList;
import io.inferlens.spring.actuate.TrafficDescriptors.Traffic;
import io.inferlens.stats.ModelStatistics;
import io.inferlens.stats.OperationStatistics;
import io.inferlens.stats.RequestStatistics;
import io.inferlens.traces.TraceQuery;
import io.inferlens.traces.TraceStore;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * The {@code inferlens} Actuator endpoint: what the statistics, the trace store, the
 * error store, the experiments and the circuit breakers know, as JSON; the parts are
 * described by the {@code *Descriptors} classes of this package.
 * <ul>
 * <li>{@code GET /actuator/inferlens}: the {@link #summary() summary};</li>
 * <li>{@code GET /actuator/inferlens/traces}: recent traces, with the query parameters
 * {@code errors}, {@code slowerThan}, {@code model}, {@code conversation},
 * {@code attribute} ({@code key=value}) and {@code limit};</li>
 * <li>{@code GET /actuator/inferlens/traces/{traceId}}: one trace, its span tree and its
 * log lines;</li>
 * <li>{@code GET /actuator/inferlens/errors} and {@code /errors/{fingerprint}};</li>
 * <li>{@code GET /actuator/inferlens/experiments} and {@code /experiments/{name}}.</li>
 * </ul>
 * A part whose source is not there (statistics or trace store off, no error store) is
 * {@code null} or empty in the summary, and {@code traces} and {@code errors} answer 404;
 * without experiments, {@code experiments} is an empty list. A source that fails while
 * read is logged (once at WARN, then at DEBUG) and left out of the summary, so that the
 * other parts are still answered. Every value is read from the stores, which mask secrets
 * on read.
 *
 * @author Inferlens
 */
@Endpoint(id = InferlensEndpoint.ID)
public class InferlensEndpoint {

    /**
     * The id of the endpoint.
     */
    public static final String ID = "inferlens";

    /**
     * How many traces a query returns at most, whatever its {@code limit}.
     */
    public static final int MAX_LIMIT = TraceQueryParameters.MAX_LIMIT;

    /**
     * How many error groups the summary lists.
     */
    public static final int SUMMARY_ERROR_GROUPS = 10;

    /**
     * Most circuit breakers listed in the summary.
     */
    public static final int MAX_CIRCUIT_BREAKERS = 100;

    private final @Nullable RequestStatistics statistics;

    private final @Nullable TraceStore traces;

    private final @Nullable RecentErrors errors;

    private final @Nullable Experiments experiments;

    private final @Nullable CircuitBreakerMetrics circuitBreakers;

    private final Clock clock;

    private final FailureLog failures = new FailureLog(LogFactory.getLog(InferlensEndpoint.class),
            "Failed to read the %s for the inferlens endpoint; it is left out of the summary");

    /**
     * Create an endpoint reading the given sources, each of which may be absent.
     * @param statistics the request statistics, or {@code null}
     * @param traces the trace store, or {@code null}
     * @param errors the error store, or {@code null}
     * @param experiments the experiments, or {@code null}
     * @param circuitBreakers the circuit breaker states, or {@code null}
     */
    public InferlensEndpoint(@Nullable RequestStatistics statistics, @Nullable TraceStore traces,
            @Nullable RecentErrors errors, @Nullable Experiments experiments,
            @Nullable CircuitBreakerMetrics circuitBreakers) {
        this(statistics, traces, errors, experiments, circuitBreakers, Clock.systemUTC());
    }

    InferlensEndpoint(@Nullable RequestStatistics statistics, @Nullable TraceStore traces,
            @Nullable RecentErrors errors, @Nullable Experiments experiments,
            @Nullable CircuitBreakerMetrics circuitBreakers, Clock clock) {
        this.statistics = statistics;
        this.traces = traces;
        this.errors = errors;
        this.experiments = experiments;
        this.circuitBreakers = circuitBreakers;
        this.clock = clock;
    }

    /**
     * Everything at once: traffic of the last 1, 5 and 15 minutes, operations and models
     * of the last 15 minutes, circuit breakers, experiments, the most recent error groups
     * and the trace store's size.
     * @return the summary
     */
    @ReadOperation
    public Summary summary() {
        RequestStatistics statistics = this.statistics;
        TraceStore traces = this.traces;
        return new Summary(Instant.now(this.clock).toString(),
                (statistics != null) ? read("statistics", () -> TrafficDescriptors.traffic(statistics.summary()), null)
                        : null,
                (statistics != null) ? read("operations", statistics::operations, List.of()) : List.of(),
                (statistics != null) ? read("models", statistics::models, List.of()) : List.of(),
                read("circuit breakers", this::circuitBreakers, List.of()),
                read("experiments", this::experiments, List.of()),
                read("errors", () -> errors(SUMMARY_ERROR_GROUPS), new ErrorList(0, List.of())),
                (traces != null) ? read("trace store", () -> traceStoreSize(traces), null) : null);
    }

    private <T> T read(String part, Supplier<T> source, T fallback) {
        try {
            return source.get();
        }
        catch (RuntimeException ex) {
            this.failures.log(part, ex);
            return fallback;
        }
    }

    /**
     * One part: {@code traces} (filtered by the query parameters), {@code errors} or
     * {@code experiments}.
     * @param part the part
     * @param errors whether to list only traces with an error
     * @param slowerThan list only traces longer than this ({@code 500ms}, {@code 2s},
     * {@code PT1S}, or milliseconds)
     * @param model list only traces that called this model
     * @param conversation list only traces of this conversation
     * @param attribute list only traces with a span with this attribute, as
     * {@code key=value}
     * @param limit the most traces to list, {@value TraceQuery#DEFAULT_LIMIT} if not
     * given, at most {@value #MAX_LIMIT}
     * @return the part, or {@code null} (404) if there is no such part or its source is
     * not there
     */
    @ReadOperation
    public @Nullable OperationResponseBody part(@Selector String part, @Nullable Boolean errors,
            @Nullable String slowerThan, @Nullable String model, @Nullable String conversation,
            @Nullable String attribute, @Nullable Integer limit) {
        TraceStore traces = this.traces;
        return switch (part) {
            case "traces" -> (traces != null)
                    ? TraceDescriptors.traces(traces,
                            TraceQueryParameters.query(errors, slowerThan, model, conversation, attribute, limit))
                    : null;
            case "errors" -> (this.errors != null) ? errors(Integer.MAX_VALUE) : null;
            case "experiments" -> new ExperimentList(experiments());
            default -> null;
        };
    }

    /**
     * One item of a part: {@code traces/{traceId}}, {@code errors/{fingerprint}} or
     * {@code experiments/{name}}.
     * @param part the part
     * @param id the trace id, error fingerprint or experiment name
     * @return the item, or {@code null} (404) if there is none
     */
    @ReadOperation
    public @Nullable OperationResponseBody item(@Selector String part, @Selector String id) {
        TraceStore traces = this.traces;
        RecentErrors errors = this.errors;
        Experiments experiments = this.experiments;
        return switch (part) {
            case "traces" -> (traces != null) ? TraceDescriptors.trace(traces, id) : null;
            case "errors" -> (errors != null) ? ErrorDescriptors.group(errors, id) : null;
            case "experiments" -> (experiments != null) ? ExperimentDescriptors.experiment(experiments, id) : null;
            default -> null;
        };
    }

    private List<Experiment> experiments() {
        Experiments experiments = this.experiments;
        return (experiments != null) ? ExperimentDescriptors.experiments(experiments) : List.of();
    }

    private ErrorList errors(int maxGroups) {
        RecentErrors errors = this.errors;
        return (errors != null) ? ErrorDescriptors.errors(errors, maxGroups) : new ErrorList(0, List.of());
    }

    private List<CircuitBreaker> circuitBreakers() {
        CircuitBreakerMetrics metrics = this.circuitBreakers;
        if (metrics == null) {
            return List.of();
        }
        List<CircuitBreaker> result = new ArrayList<>();
        metrics.states(MAX_CIRCUIT_BREAKERS)
            .forEach((name, state) -> result.add(new CircuitBreaker(name, state.getAttributeValue())));
        return result;
    }

    private static TraceStoreSize traceStoreSize(TraceStore traces) {
        return new TraceStoreSize(traces.size(), traces.droppedSpans(), traces.evictedTraces());
    }

    /**
     * The summary.
     *
     * @param timestamp when it was taken, ISO-8601
     * @param traffic requests of the last 1, 5 and 15 minutes, or {@code null} when the
     * statistics are off
     * @param operations the operations of the last 15 minutes, busiest first
     * @param models the models called in the last 15 minutes, busiest first
     * @param circuitBreakers the circuit breakers, those not closed first, then by name;
     * at most {@value InferlensEndpoint#MAX_CIRCUIT_BREAKERS}
     * @param experiments the experiments
     * @param errors the number of errors and the most recently seen groups
     * @param traceStore the trace store's size, or {@code null} when it is off
     */
    public record Summary(String timestamp, @Nullable Traffic traffic, List<OperationStatistics> operations,
            List<ModelStatistics> models, List<CircuitBreaker> circuitBreakers, List<Experiment> experiments,
            ErrorList errors, @Nullable TraceStoreSize traceStore) implements OperationResponseBody {

    }

    /**
     * A circuit breaker's state.
     *
     * @param name its name
     * @param state {@code closed}, {@code half_open} or {@code open}
     */
    public record CircuitBreaker(String name, String state) {

    }

    /**
     * The trace store's size.
     *
     * @param traces the traces kept
     * @param droppedSpans the spans dropped because their trace had too many
     * @param evictedTraces the traces evicted to make room for newer ones
     */
    public record TraceStoreSize(int traces, long droppedSpans, long evictedTraces) {

    }

}
