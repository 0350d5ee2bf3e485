package io.inferlens.spring.actuate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.inferlens.circuitbreaker.CircuitBreakerMetrics;
import io.inferlens.errors.ErrorGroup;
import io.inferlens.errors.RecentErrors;
import io.inferlens.experiments.ExperimentResults;
import io.inferlens.experiments.Experiments;
import io.inferlens.experiments.VariantResult;
import io.inferlens.logs.TraceLogEvent;
import io.inferlens.observation.FailureLog;
import io.inferlens.stats.ModelStatistics;
import io.inferlens.stats.OperationStatistics;
import io.inferlens.stats.RequestStatistics;
import io.inferlens.stats.StatisticsSummary;
import io.inferlens.stats.WindowSummary;
import io.inferlens.traces.SpanEvent;
import io.inferlens.traces.SpanNode;
import io.inferlens.traces.StoredSpan;
import io.inferlens.traces.TraceQuery;
import io.inferlens.traces.TraceStore;
import io.inferlens.traces.TraceSummary;
import io.inferlens.traces.TraceView;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.convert.DurationStyle;

/**
 * The {@code inferlens} Actuator endpoint: what the statistics, the trace store, the
 * error store, the experiments and the circuit breakers know, as JSON.
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
    public static final int MAX_LIMIT = 1000;

    /**
     * How many error groups the summary lists.
     */
    public static final int SUMMARY_ERROR_GROUPS = 10;

    /**
     * Most circuit breakers listed in the summary.
     */
    public static final int MAX_CIRCUIT_BREAKERS = 100;

    // Far longer than any trace, and far from the overflow of Duration.toNanos().
    private static final Duration MAX_SLOWER_THAN = Duration.ofDays(365);

    private static final String MODEL_ATTRIBUTE = "gen_ai.request.model";

    private static final String CONVERSATION_ATTRIBUTE = "gen_ai.conversation.id";

    private static final double NANOS_PER_MILLI = 1_000_000.0;

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
                (statistics != null) ? read("statistics", () -> traffic(statistics.summary()), null) : null,
                (statistics != null) ? read("operations", statistics::operations, List.of()) : List.of(),
                (statistics != null) ? read("models", statistics::models, List.of()) : List.of(),
                read("circuit breakers", this::circuitBreakers, List.of()),
                read("experiments", this::experimentList, List.of()),
                read("errors", () -> errorList(SUMMARY_ERROR_GROUPS), new ErrorList(0, List.of())),
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
        return switch (part) {
            case "traces" -> traces(query(errors, slowerThan, model, conversation, attribute, limit));
            case "errors" -> (this.errors != null) ? errorList(Integer.MAX_VALUE) : null;
            case "experiments" -> new ExperimentList(experimentList());
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
        return switch (part) {
            case "traces" -> trace(id);
            case "errors" -> errorGroup(id);
            case "experiments" -> experiment(id);
            default -> null;
        };
    }

    private @Nullable Traces traces(TraceQuery query) {
        TraceStore traces = this.traces;
        if (traces == null) {
            return null;
        }
        List<TraceLine> lines = new ArrayList<>();
        for (TraceSummary summary : traces.recent(query)) {
            lines.add(TraceLine.of(summary));
        }
        return new Traces(lines, traces.size(), traces.droppedSpans(), traces.evictedTraces());
    }

    private @Nullable Trace trace(String traceId) {
        TraceStore traces = this.traces;
        if (traces == null) {
            return null;
        }
        return traces.trace(traceId).map(Trace::of).orElse(null);
    }

    private @Nullable ErrorGroupLine errorGroup(String fingerprint) {
        RecentErrors errors = this.errors;
        ErrorGroup group = (errors != null) ? errors.group(fingerprint) : null;
        return (group != null) ? ErrorGroupLine.of(group) : null;
    }

    private @Nullable Experiment experiment(String name) {
        Experiments experiments = this.experiments;
        if (experiments == null || !experiments.names().contains(name)) {
            return null;
        }
        return Experiment.of(experiments.results(name));
    }

    private static TraceQuery query(@Nullable Boolean errors, @Nullable String slowerThan, @Nullable String model,
            @Nullable String conversation, @Nullable String attribute, @Nullable Integer limit) {
        TraceQuery query = TraceQuery.all();
        if (Boolean.TRUE.equals(errors)) {
            query = query.withErrorsOnly();
        }
        if (slowerThan != null && !slowerThan.isBlank()) {
            query = query.withSlowerThan(duration(slowerThan));
        }
        if (model != null && !model.isEmpty()) {
            query = query.withAttribute(MODEL_ATTRIBUTE, model);
        }
        if (conversation != null && !conversation.isEmpty()) {
            query = query.withAttribute(CONVERSATION_ATTRIBUTE, conversation);
        }
        if (attribute != null && !attribute.isEmpty()) {
            int equals = attribute.indexOf('=');
            if (equals < 1) {
                throw new InvalidEndpointRequestException(
                        "Parameter 'attribute' must be key=value, but was '" + attribute + "'", "Bad attribute");
            }
            query = query.withAttribute(attribute.substring(0, equals), attribute.substring(equals + 1));
        }
        if (limit != null) {
            if (limit < 1) {
                throw new InvalidEndpointRequestException("Parameter 'limit' must be at least 1, but was " + limit,
                        "Bad limit");
            }
            query = query.withLimit(Math.min(limit, MAX_LIMIT));
        }
        return query;
    }

    private static Duration duration(String value) {
        Duration duration;
        try {
            duration = DurationStyle.detectAndParse(value.trim());
        }
        catch (IllegalArgumentException ex) {
            throw new InvalidEndpointRequestException("Parameter 'slowerThan' must be a duration such as 500ms, 2s or"
                    + " PT1S, or a number of milliseconds, but was '" + value + "'", "Bad duration");
        }
        if (duration.isNegative()) {
            throw new InvalidEndpointRequestException("Parameter 'slowerThan' must not be negative, but was " + value,
                    "Bad duration");
        }
        if (duration.compareTo(MAX_SLOWER_THAN) > 0) {
            throw new InvalidEndpointRequestException(
                    "Parameter 'slowerThan' must be at most " + MAX_SLOWER_THAN.toDays() + " days, but was " + value,
                    "Bad duration");
        }
        return duration;
    }

    private static Traffic traffic(StatisticsSummary summary) {
        return new Traffic(summary.source(), List.of(Window.of("1m", summary.lastMinute()),
                Window.of("5m", summary.lastFiveMinutes()), Window.of("15m", summary.lastFifteenMinutes())));
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

    private List<Experiment> experimentList() {
        Experiments experiments = this.experiments;
        if (experiments == null) {
            return List.of();
        }
        List<Experiment> result = new ArrayList<>();
        for (String name : experiments.names()) {
            result.add(Experiment.of(experiments.results(name)));
        }
        return result;
    }

    private ErrorList errorList(int maxGroups) {
        RecentErrors errors = this.errors;
        if (errors == null) {
            return new ErrorList(0, List.of());
        }
        List<ErrorGroupLine> groups = new ArrayList<>();
        for (ErrorGroup group : errors.groups()) {
            if (groups.size() == maxGroups) {
                break;
            }
            groups.add(ErrorGroupLine.of(group));
        }
        return new ErrorList(errors.totalCount(), groups);
    }

    private static TraceStoreSize traceStoreSize(TraceStore traces) {
        return new TraceStoreSize(traces.size(), traces.droppedSpans(), traces.evictedTraces());
    }

    private static double millis(long nanos) {
        return nanos / NANOS_PER_MILLI;
    }

    private static long epochNanos(Instant instant) {
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }

    private static double millis(Duration duration) {
        return millis(duration.toNanos());
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
     * Requests over several windows.
     *
     * @param source what is counted: {@code http} (server requests) or {@code operations}
     * (top-level operations)
     * @param windows the windows, shortest first
     */
    public record Traffic(String source, List<Window> windows) {

    }

    /**
     * Requests of one window ending now.
     *
     * @param name the window's short name, such as {@code 1m}
     * @param seconds its length
     * @param requests the requests in it
     * @param errors the failed ones
     * @param errorRate {@code errors / requests}, 0 without requests
     * @param throughput requests per second
     * @param meanMillis the mean latency
     * @param p95Millis the 95th percentile latency
     */
    public record Window(String name, long seconds, long requests, long errors, double errorRate, double throughput,
            double meanMillis, double p95Millis) {

        static Window of(String name, WindowSummary summary) {
            return new Window(name, summary.window().toSeconds(), summary.requests(), summary.errors(),
                    summary.errorRate(), summary.throughput(), summary.meanMillis(), summary.p95Millis());
        }

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
     * The experiments.
     *
     * @param experiments the experiments
     */
    public record ExperimentList(List<Experiment> experiments) implements OperationResponseBody {

    }

    /**
     * The results of one experiment.
     *
     * @param name its name
     * @param variants its variants, the control first
     */
    public record Experiment(String name, List<VariantResult> variants) implements OperationResponseBody {

        static Experiment of(ExperimentResults results) {
            return new Experiment(results.experiment(), results.variants());
        }

    }

    /**
     * Error groups.
     *
     * @param total the number of errors captured, in every group
     * @param groups the groups, most recently seen first
     */
    public record ErrorList(long total, List<ErrorGroupLine> groups) implements OperationResponseBody {

    }

    /**
     * One error group.
     *
     * @param fingerprint what groups its errors
     * @param type the exception's class name, or {@code message}
     * @param errorType the low-cardinality error type
     * @param frame the top application frame, or {@code null}
     * @param operation the operation of the last occurrence
     * @param count the number of occurrences
     * @param firstSeen when the first was captured, ISO-8601
     * @param lastSeen when the last was captured, ISO-8601
     * @param lastMessage the last message, masked
     * @param recentTraceIds the trace ids of the latest occurrences, newest first
     */
    public record ErrorGroupLine(String fingerprint, String type, String errorType, @Nullable String frame,
            String operation, long count, String firstSeen, String lastSeen, String lastMessage,
            List<String> recentTraceIds) implements OperationResponseBody {

        static ErrorGroupLine of(ErrorGroup group) {
            return new ErrorGroupLine(group.fingerprint(), group.type(), group.errorType(), group.frame(),
                    group.operation(), group.count(), group.firstSeen().toString(), group.lastSeen().toString(),
                    group.lastMessage(), group.recentTraceIds());
        }

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

    /**
     * Recent traces.
     *
     * @param traces the traces matching the query, newest first
     * @param stored the traces kept
     * @param droppedSpans the spans dropped because their trace had too many
     * @param evictedTraces the traces evicted to make room for newer ones
     */
    public record Traces(List<TraceLine> traces, int stored, long droppedSpans,
            long evictedTraces) implements OperationResponseBody {

    }

    /**
     * One line of a list of traces.
     *
     * @param traceId the trace id
     * @param name the root span's name
     * @param start when its first span started, ISO-8601
     * @param durationMillis from its first start to its last end
     * @param spanCount the spans kept
     * @param droppedSpans the spans dropped
     * @param error whether a span failed
     * @param slow whether a span was slower than its threshold
     * @param httpRoute its HTTP route, or {@code null}
     * @param models the models it called
     */
    public record TraceLine(String traceId, String name, String start, double durationMillis, int spanCount,
            long droppedSpans, boolean error, boolean slow, @Nullable String httpRoute, List<String> models) {

        static TraceLine of(TraceSummary summary) {
            return new TraceLine(summary.traceId(), summary.name(), summary.start().toString(),
                    millis(summary.duration()), summary.spanCount(), summary.droppedSpans(), summary.error(),
                    summary.slow(), summary.httpRoute(), summary.models());
        }

    }

    /**
     * One trace.
     *
     * @param summary its line
     * @param spans the roots of its span tree
     * @param logs its log lines, oldest first
     */
    public record Trace(TraceLine summary, List<Span> spans, List<LogLine> logs) implements OperationResponseBody {

        static Trace of(TraceView view) {
            long start = epochNanos(view.summary().start());
            List<Span> roots = new ArrayList<>();
            for (SpanNode root : view.roots()) {
                roots.add(Span.of(root, start));
            }
            List<LogLine> logs = new ArrayList<>();
            for (TraceLogEvent event : view.logs()) {
                logs.add(LogLine.of(event, start));
            }
            return new Trace(TraceLine.of(view.summary()), roots, logs);
        }

    }

    /**
     * One span and its children.
     *
     * @param spanId its id
     * @param parentSpanId its parent's id, or {@code null}
     * @param name its name
     * @param kind its kind
     * @param offsetMillis its start, from the trace's start
     * @param durationMillis its duration
     * @param status {@code UNSET}, {@code OK} or {@code ERROR}
     * @param statusDescription the status description, or {@code null}
     * @param attributes its attributes, masked
     * @param events its events
     * @param children its children, in start order
     */
    public record Span(String spanId, @Nullable String parentSpanId, String name, String kind, double offsetMillis,
            double durationMillis, String status, @Nullable String statusDescription, Map<String, Object> attributes,
            List<Event> events, List<Span> children) {

        static Span of(SpanNode node, long traceStartNanos) {
            StoredSpan span = node.span();
            List<Event> events = new ArrayList<>();
            for (SpanEvent event : span.events()) {
                events.add(new Event(event.name(), millis(event.epochNanos() - traceStartNanos),
                        new LinkedHashMap<>(event.attributes())));
            }
            List<Span> children = new ArrayList<>();
            for (SpanNode child : node.children()) {
                children.add(of(child, traceStartNanos));
            }
            return new Span(span.spanId(), span.parentSpanId(), span.name(), span.kind().name(),
                    millis(span.startEpochNanos() - traceStartNanos), millis(span.durationNanos()),
                    span.status().name(), span.statusDescription(), new LinkedHashMap<>(span.attributes()), events,
                    children);
        }

    }

    /**
     * One span event.
     *
     * @param name its name
     * @param offsetMillis when it happened, from the trace's start
     * @param attributes its attributes, masked
     */
    public record Event(String name, double offsetMillis, Map<String, Object> attributes) {

    }

    /**
     * One log line of a trace.
     *
     * @param timestamp when it was logged, ISO-8601
     * @param offsetMillis when it was logged, from the trace's start
     * @param level its level
     * @param logger its logger
     * @param thread its thread
     * @param message its message, masked
     * @param spanId the span it was logged in, or {@code null}
     * @param throwableClass the class of its exception, or {@code null}
     * @param throwableMessage the message of its exception, masked, or {@code null}
     * @param keyValues its key-value pairs, masked
     */
    public record LogLine(String timestamp, double offsetMillis, String level, String logger, String thread,
            String message, @Nullable String spanId, @Nullable String throwableClass, @Nullable String throwableMessage,
            Map<String, String> keyValues) {

        static LogLine of(TraceLogEvent event, long traceStartNanos) {
            Instant time = event.timestamp();
            return new LogLine(time.toString(), millis(epochNanos(time) - traceStartNanos), event.level().name(),
                    event.loggerName(), event.threadName(), event.message(), event.spanId(), event.throwableClass(),
                    event.throwableMessage(), event.keyValues());
        }

    }

}
