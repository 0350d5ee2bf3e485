package io.inferlens.inference;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

import io.micrometer.common.KeyValues;
import org.jspecify.annotations.Nullable;

/**
 * One call to a generative AI model, as it ended: the immutable value that the cost
 * counter, the request statistics, the trace store's model view, health and the dashboard
 * read, whoever produced it (the {@code @TracedInference} aspect, the
 * {@link InferenceRecorder}, or an integration of a model library). Published once per
 * call to every {@link InferenceRecordListener} by the {@link InferenceRecordPublisher}.
 *
 * @param endEpochMillis when the call ended, in milliseconds since the epoch
 * @param durationNanos how long the call took, in nanoseconds
 * @param operation the operation ({@code gen_ai.operation.name}), such as {@code chat}
 * @param provider the provider ({@code gen_ai.provider.name})
 * @param requestModel the model asked ({@code gen_ai.request.model}), or {@code null}
 * @param usage what the response reported: tokens by kind, the model that answered and
 * why it stopped
 * @param cost the cost in the price table's currency, {@code NaN} when the model has no
 * price or no tokens are known
 * @param timeToFirstChunkNanos time to the first chunk of a streamed answer, in
 * nanoseconds, or {@code -1} if none arrived
 * @param streaming whether the answer was streamed
 * @param cancelled whether the caller cancelled the call before it ended
 * @param conversationId the conversation ({@code gen_ai.conversation.id}), or
 * {@code null}
 * @param errorType the {@code error.type} of a failed call, or {@code null}
 * @param source where the record came from
 * @param keyValues the low-cardinality key-values of the call but {@code error.type}, as
 * its convention made them: the tags of the meters recorded from records, which join the
 * {@code gen_ai.*} series
 * @param traceId the call's trace, or {@code null}
 * @param spanId the call's span, or {@code null}
 * @param sampled whether the call's span is sampled, so that its trace is stored and
 * exported
 * @author Inferlens
 */
public record InferenceRecord(long endEpochMillis, long durationNanos, String operation, String provider,
        @Nullable String requestModel, TokenUsage usage, double cost, long timeToFirstChunkNanos, boolean streaming,
        boolean cancelled, @Nullable String conversationId, @Nullable String errorType, Source source,
        KeyValues keyValues, @Nullable String traceId, @Nullable String spanId, boolean sampled) {

    /**
     * Create a record.
     */
    public InferenceRecord {
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(keyValues, "keyValues");
    }

    /**
     * When the call ended.
     * @return the instant
     */
    public Instant end() {
        return Instant.ofEpochMilli(this.endEpochMillis);
    }

    /**
     * How long the call took.
     * @return the duration
     */
    public Duration duration() {
        return Duration.ofNanos(this.durationNanos);
    }

    /**
     * Time to the first chunk of a streamed answer.
     * @return the time, or {@code null} if no chunk arrived
     */
    public @Nullable Duration timeToFirstChunk() {
        return (this.timeToFirstChunkNanos >= 0) ? Duration.ofNanos(this.timeToFirstChunkNanos) : null;
    }

    /**
     * The model that answered ({@code gen_ai.response.model}).
     * @return the model, or {@code null} if the response did not say
     */
    public @Nullable String responseModel() {
        return this.usage.responseModel();
    }

    /**
     * The model the call is counted under: the model asked, else the model that answered.
     * @return the model, or {@code null} if neither is known
     */
    public @Nullable String model() {
        return (this.requestModel != null) ? this.requestModel : this.usage.responseModel();
    }

    /**
     * Whether the call failed.
     * @return whether it has an error type
     */
    public boolean failed() {
        return this.errorType != null;
    }

    /**
     * Whether the call has a known cost.
     * @return whether the cost is a number
     */
    public boolean hasCost() {
        return !Double.isNaN(this.cost);
    }

    /**
     * Where a record came from.
     */
    public enum Source {

        /**
         * A {@link io.inferlens.annotation.TracedInference @TracedInference} method.
         */
        ANNOTATION,

        /**
         * The {@link InferenceRecorder}'s programmatic API.
         */
        RECORDER,

        /**
         * A Spring AI chat or embedding model's own observation.
         */
        SPRING_AI,

        /**
         * A LangChain4j chat model, through Inferlens' {@code ChatModelListener}.
         */
        LANGCHAIN4J

    }

}
