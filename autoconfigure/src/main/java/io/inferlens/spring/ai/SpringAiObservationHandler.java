package io.inferlens.spring.ai;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.inferlens.errors.ErrorContext;
import io.inferlens.errors.ErrorTracker;
import io.inferlens.inference.InferenceMeterObservationHandler;
import io.inferlens.inference.InferenceObservationContext;
import io.inferlens.inference.InferenceRecord;
import io.inferlens.inference.InferenceRecordPublisher;
import io.inferlens.metrics.MeterCache;
import io.inferlens.observation.ErrorTypes;
import io.inferlens.observation.FailureLog;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.ai.chat.observation.ChatModelObservationContext;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.embedding.EmbeddingOptions;
import org.springframework.ai.embedding.observation.EmbeddingModelObservationContext;
import org.springframework.ai.model.observation.ModelObservationContext;
import org.springframework.ai.tool.observation.ToolCallingObservationContext;

/**
 * Gives every call observed by Spring AI what Inferlens gives a model call, with no
 * annotation: for a chat or embedding model's observation, an {@link InferenceRecord}
 * (cost, trace store, models table, statistics, health, dashboard), the
 * {@code gen_ai.client.*} histograms, and its error in the error groups; for a tool's
 * observation, the {@value #TOOL_DURATION} timer by tool and {@code error.type}.
 * <p>
 * Spring AI's observation stays the call's one {@code gen_ai} span: Inferlens keeps what
 * the call did in an {@link InferenceObservationContext} of its own, never started, which
 * {@link SpringAiObservationFilter} completes when Spring AI stops the observation and
 * which this handler then records. A Spring AI call inside an Inferlens model-call
 * observation ({@code @TracedInference}) makes that one
 * {@link InferenceObservationContext#isDelegated() delegated}, so that the call is
 * counted once. A failure here is logged and never reaches Spring AI's call.
 *
 * @author Inferlens
 */
public class SpringAiObservationHandler implements ObservationHandler<Observation.Context> {

    /**
     * Name of the timer of tool executions.
     */
    public static final String TOOL_DURATION = "inferlens.tool.duration";

    /**
     * Key of the tool's name ({@code gen_ai.tool.name}).
     */
    public static final String TOOL_NAME = "gen_ai.tool.name";

    private static final Log logger = LogFactory.getLog(SpringAiObservationHandler.class);

    private static final Duration[] DURATION_SLOS = { Duration.ofMillis(10), Duration.ofMillis(40),
            Duration.ofMillis(160), Duration.ofMillis(640), Duration.ofMillis(2560), Duration.ofMillis(10240),
            Duration.ofMillis(40960) };

    private final InferenceRecordPublisher publisher;

    private final @Nullable InferenceMeterObservationHandler meters;

    private final @Nullable MeterCache<ToolKey, Timer> toolTimers;

    private final Supplier<@Nullable ErrorTracker> errors;

    private final SpringAiObservationFilter completion;

    private final FailureLog failures = new FailureLog(logger,
            "Failed to %s a Spring AI call's observation; the call itself is unaffected");

    /**
     * Create a handler.
     * @param publisher the publisher of the records of model calls
     * @param meters the recorder of the {@code gen_ai.client.*} histograms, or
     * {@code null} for none
     * @param registry the registry of the tool timer, or {@code null} for none
     * @param errors the tracker that groups errors, or a supplier of {@code null}
     * @param completion what completes a call before it is recorded, if
     * {@link SpringAiObservationFilter} did not yet (a stream whose last chunks were
     * still on their way when Spring AI stopped its observation)
     */
    public SpringAiObservationHandler(InferenceRecordPublisher publisher,
            @Nullable InferenceMeterObservationHandler meters, @Nullable MeterRegistry registry,
            Supplier<@Nullable ErrorTracker> errors, SpringAiObservationFilter completion) {
        this.publisher = publisher;
        this.completion = completion;
        this.meters = meters;
        this.toolTimers = (registry != null) ? new MeterCache<>((key) -> Timer.builder(TOOL_DURATION)
            .description("Duration of the executions of a tool called by a model")
            .tag(TOOL_NAME, key.tool())
            .tag(ErrorTypes.KEY, key.errorType())
            .serviceLevelObjectives(DURATION_SLOS)
            .register(registry)) : null;
        this.errors = errors;
    }

    @Override
    public void onStart(Observation.Context context) {
        try {
            if (context instanceof ToolCallingObservationContext) {
                context.put(ToolStart.class, new ToolStart(System.nanoTime()));
                return;
            }
            InferenceObservationContext call = newCall(context);
            if (call == null) {
                return;
            }
            context.put(InferenceObservationContext.class, call);
            if (call.isStreaming()) {
                StreamedCall streamed = StreamedCall.take();
                if (streamed != null) {
                    streamed.attach(call);
                    context.put(StreamedCall.class, streamed);
                }
            }
            InferenceObservationContext.delegateEnclosing(context, call.getOperationName());
        }
        catch (RuntimeException | LinkageError ex) {
            this.failures.log("start", ex);
        }
    }

    @Override
    public void onStop(Observation.Context context) {
        try {
            if (context instanceof ToolCallingObservationContext tool) {
                recordTool(tool);
                return;
            }
            InferenceObservationContext call = context.get(InferenceObservationContext.class);
            if (call == null || call.isDelegated()) {
                return;
            }
            long duration = call.getElapsedNanos();
            StreamedCall.afterStream(context, () -> record(context, call, duration));
        }
        catch (RuntimeException | LinkageError ex) {
            this.failures.log("record", ex);
        }
    }

    private void record(Observation.Context context, InferenceObservationContext call, long duration) {
        try {
            this.completion.complete(context);
            if (this.meters != null) {
                this.meters.record(call, duration);
            }
            InferenceRecord record = this.publisher.record(call, context, duration);
            this.publisher.publish(record);
            Throwable error = context.getError();
            ErrorTracker tracker = (error != null) ? this.errors.get() : null;
            if (error != null && tracker != null) {
                ErrorContext errorContext = ErrorContext.of(call.getOperationName());
                if (record.traceId() != null) {
                    errorContext = errorContext.withTrace(record.traceId(), record.spanId());
                }
                tracker.captureException(error, errorContext);
            }
        }
        catch (RuntimeException | LinkageError ex) {
            this.failures.log("record", ex);
        }
    }

    private void recordTool(ToolCallingObservationContext tool) {
        ToolStart start = tool.get(ToolStart.class);
        MeterCache<ToolKey, Timer> timers = this.toolTimers;
        if (start == null || timers == null) {
            return;
        }
        String errorType = ErrorTypes.ofNullable(tool.getError());
        timers.get(new ToolKey(tool.getToolDefinition().name(), (errorType != null) ? errorType : ""))
            .record(System.nanoTime() - start.nanos(), TimeUnit.NANOSECONDS);
    }

    private static @Nullable InferenceObservationContext newCall(Observation.Context context) {
        if (!(context instanceof ModelObservationContext<?, ?> model)) {
            return null;
        }
        String model0 = null;
        boolean streaming = false;
        if (context instanceof ChatModelObservationContext chat) {
            ChatOptions options = chat.getRequest().getOptions();
            model0 = (options != null) ? options.getModel() : null;
            streaming = chat.isStreaming();
        }
        else if (context instanceof EmbeddingModelObservationContext embedding) {
            EmbeddingOptions options = embedding.getRequest().getOptions();
            model0 = (options != null) ? options.getModel() : null;
        }
        else {
            return null;
        }
        InferenceObservationContext call = new InferenceObservationContext(
                SpringAiProviders.operationName(model.getOperationMetadata().operationType()),
                SpringAiProviders.providerName(model.getOperationMetadata().provider()), model0,
                InferenceRecord.Source.SPRING_AI);
        call.setStreaming(streaming);
        return call;
    }

    @Override
    public boolean supportsContext(Observation.Context context) {
        return context instanceof ChatModelObservationContext || context instanceof EmbeddingModelObservationContext
                || context instanceof ToolCallingObservationContext;
    }

    private record ToolStart(long nanos) {
    }

    private record ToolKey(String tool, String errorType) {
    }

}
