package io.inferlens.inference;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

import io.inferlens.observation.ErrorTypes;
import io.inferlens.observation.InstrumentedContext;
import io.inferlens.privacy.Secrets;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationView;
import org.jspecify.annotations.Nullable;

/**
 * Context of the observation of one call to a generative AI model: what the request said
 * (operation, provider, model, conversation) and what the response reported (model, token
 * usage, finish reasons, time to the first chunk of a stream).
 *
 * @author Inferlens
 */
public class InferenceObservationContext extends InstrumentedContext {

    /**
     * Name of the observation.
     */
    public static final String NAME = "gen_ai.client.operation";

    private final String operation;

    private final String provider;

    /**
     * Largest number of times between chunks kept for one streamed response.
     */
    public static final int MAX_CHUNK_INTERVALS = 65_536;

    private volatile @Nullable String requestModel;

    private volatile @Nullable String conversationId;

    private volatile TokenUsage usage = TokenUsage.NONE;

    private volatile boolean streaming;

    private final long createdNanos = System.nanoTime();

    private volatile long firstChunkNanos;

    private volatile long lastChunkNanos;

    private volatile int chunks;

    /**
     * Microseconds between consecutive chunks, {@link #chunkIntervals} of them; written
     * when it grows, before the count, so that a reader that read the count sees them.
     */
    private volatile int @Nullable [] chunkIntervalMicros;

    private volatile int chunkIntervals;

    private volatile @Nullable String inputContent;

    private volatile @Nullable String outputContent;

    private final InferenceRecord.Source source;

    private final AtomicInteger modelCallsInside = new AtomicInteger();

    private volatile @Nullable String enclosingName;

    /**
     * Create a context.
     * @param operation the operation name ({@code gen_ai.operation.name})
     * @param provider the provider name ({@code gen_ai.provider.name})
     * @param requestModel the model asked, or {@code null}
     */
    public InferenceObservationContext(String operation, String provider, @Nullable String requestModel) {
        this(operation, provider, requestModel, InferenceRecord.Source.RECORDER);
    }

    /**
     * Create a context.
     * @param operation the operation name ({@code gen_ai.operation.name})
     * @param provider the provider name ({@code gen_ai.provider.name})
     * @param requestModel the model asked, or {@code null}
     * @param source where the call is observed
     */
    public InferenceObservationContext(String operation, String provider, @Nullable String requestModel,
            InferenceRecord.Source source) {
        this.operation = operation;
        this.provider = provider;
        this.requestModel = modelName(requestModel);
        this.source = source;
        setName(NAME);
    }

    /**
     * Where the call is observed.
     * @return the source
     */
    public InferenceRecord.Source getSource() {
        return this.source;
    }

    /**
     * Whether a model library observed a model call inside this one (Spring AI's model
     * observation, Inferlens' LangChain4j listener): the layer nearest to the wire wins,
     * since it alone sees each request sent and the usage of its very response. This
     * observation then publishes no record and no {@code gen_ai} series, and its span,
     * renamed after the method or operation, carries no {@code gen_ai.*} attribute, so
     * that one model call is counted once.
     * @return whether model calls were observed inside this one
     */
    public boolean isDelegated() {
        return this.modelCallsInside.get() > 0;
    }

    /**
     * Number of model calls a model library observed inside this one.
     * @return the number of calls
     */
    public int getModelCallsInside() {
        return this.modelCallsInside.get();
    }

    /**
     * Name of the span when {@link #isDelegated() model calls are observed inside}: the
     * annotated method, or {@code inference} and the operation.
     * @return the name
     */
    public String getEnclosingName() {
        String name = this.enclosingName;
        return (name != null) ? name : "inference " + this.operation;
    }

    void setEnclosingName(String enclosingName) {
        this.enclosingName = enclosingName;
    }

    /**
     * Tell the nearest enclosing Inferlens model-call observation of a context, if it is
     * of the same operation, that a model library observed a call inside it (see
     * {@link #isDelegated()}): a chat method whose model call goes through Spring AI is
     * delegated; one that also searches a vector store (an embedding call) is not by
     * that. The enclosing observation is found through the parents Micrometer set: one
     * that has already stopped (a method that returned before the call it started ended)
     * has published its own record, and the call inside is then recorded as well.
     * @param context the context of the library's observation of a model call
     * @param operation the operation of that call
     */
    public static void delegateEnclosing(Observation.ContextView context, String operation) {
        ObservationView parent = context.getParentObservation();
        for (int depth = 0; parent != null && depth < 32; depth++) {
            Observation.ContextView view = parent.getContextView();
            if (view instanceof InferenceObservationContext enclosing) {
                if (enclosing.operation.equals(operation)) {
                    enclosing.modelCallsInside.incrementAndGet();
                }
                return;
            }
            parent = view.getParentObservation();
        }
    }

    /**
     * Nanoseconds since the call started, measured from the creation of this context.
     * @return the elapsed time
     */
    public long getElapsedNanos() {
        return System.nanoTime() - this.createdNanos;
    }

    @Override
    public String getOperationName() {
        return this.operation;
    }

    /**
     * The provider name.
     * @return the provider
     */
    public String getProvider() {
        return this.provider;
    }

    /**
     * The model the request was made to.
     * @return the model, or {@code null} if unknown
     */
    public @Nullable String getRequestModel() {
        return this.requestModel;
    }

    /**
     * Set the model the request was made to.
     * @param requestModel the model
     */
    public void setRequestModel(@Nullable String requestModel) {
        this.requestModel = modelName(requestModel);
    }

    /**
     * The model that generated the response, as the response reported it.
     * @return the model, or {@code null} if unknown
     */
    public @Nullable String getResponseModel() {
        return this.usage.responseModel();
    }

    /**
     * The conversation's identifier.
     * @return the identifier, or {@code null}
     */
    public @Nullable String getConversationId() {
        return this.conversationId;
    }

    /**
     * Set the conversation's identifier.
     * @param conversationId the identifier
     */
    public void setConversationId(@Nullable String conversationId) {
        this.conversationId = blankToNull(conversationId);
    }

    /**
     * What the response reported of its usage.
     * @return the usage, {@link TokenUsage#NONE} if nothing is known
     */
    public TokenUsage getUsage() {
        return this.usage;
    }

    /**
     * Set what the response reported of its usage.
     * @param usage the usage
     */
    public void setUsage(TokenUsage usage) {
        this.usage = usage;
    }

    /**
     * Whether the response is streamed.
     * @return whether it is streamed
     */
    public boolean isStreaming() {
        return this.streaming;
    }

    /**
     * Set whether the response is streamed.
     * @param streaming whether it is streamed
     */
    public void setStreaming(boolean streaming) {
        this.streaming = streaming;
    }

    /**
     * Record that a chunk of a streamed response arrived now: the first one sets the time
     * to first chunk, each later one adds the time since the one before to the times per
     * output chunk. The chunks of one stream arrive one at a time (as Reactive Streams
     * signals do); up to {@value #MAX_CHUNK_INTERVALS} intervals are kept, four bytes
     * each.
     */
    public void chunk() {
        long now = System.nanoTime();
        long last = this.lastChunkNanos;
        if (last == 0) {
            now = Math.max(now, this.createdNanos + 1);
            this.firstChunkNanos = now;
        }
        else {
            addChunkInterval(now - last);
        }
        this.lastChunkNanos = now;
        this.chunks++;
    }

    private void addChunkInterval(long nanos) {
        int count = this.chunkIntervals;
        if (count >= MAX_CHUNK_INTERVALS) {
            return;
        }
        int[] intervals = this.chunkIntervalMicros;
        if (intervals == null) {
            intervals = new int[16];
            this.chunkIntervalMicros = intervals;
        }
        else if (count == intervals.length) {
            intervals = Arrays.copyOf(intervals, Math.min(count * 2, MAX_CHUNK_INTERVALS));
            this.chunkIntervalMicros = intervals;
        }
        intervals[count] = (int) Math.min(Math.max(nanos, 0) / 1000, Integer.MAX_VALUE);
        this.chunkIntervals = count + 1;
    }

    /**
     * Number of chunks of a streamed response received so far.
     * @return the number of chunks
     */
    public int getChunks() {
        return this.chunks;
    }

    /**
     * Pass the times between consecutive chunks of a streamed response, in microseconds,
     * in order, to the given consumer.
     * @param consumer the consumer of each time
     */
    public void forEachChunkInterval(IntConsumer consumer) {
        int count = this.chunkIntervals;
        int[] intervals = this.chunkIntervalMicros;
        for (int i = 0; i < count && intervals != null; i++) {
            consumer.accept(intervals[i]);
        }
    }

    /**
     * Nanoseconds from the request to the first chunk of a streamed response.
     * @return the time, or {@code -1} if no chunk arrived
     */
    public long getTimeToFirstChunkNanos() {
        long first = this.firstChunkNanos;
        return (first != 0) ? first - this.createdNanos : -1;
    }

    /**
     * Seconds from the request to the first chunk of a streamed response.
     * @return the time, or {@code NaN} if no chunk arrived
     */
    public double getTimeToFirstChunkSeconds() {
        long nanos = getTimeToFirstChunkNanos();
        return (nanos >= 0) ? nanos / (double) TimeUnit.SECONDS.toNanos(1) : Double.NaN;
    }

    /**
     * The captured input, masked; only set when content capture is enabled.
     * @return the input, or {@code null}
     */
    public @Nullable String getInputContent() {
        return this.inputContent;
    }

    /**
     * The captured output, masked; only set when content capture is enabled.
     * @return the output, or {@code null}
     */
    public @Nullable String getOutputContent() {
        return this.outputContent;
    }

    void setContent(@Nullable String input, @Nullable String output) {
        if (input != null) {
            this.inputContent = input;
        }
        if (output != null) {
            this.outputContent = output;
        }
    }

    /**
     * The {@code error.type} of the call: the fully qualified class name of the exception
     * it ended with.
     * @return the error type, or {@code null} if the call succeeded
     */
    public @Nullable String getErrorType() {
        return ErrorTypes.ofNullable(getError());
    }

    private static @Nullable String blankToNull(@Nullable String value) {
        return (value != null && !value.isBlank()) ? value : null;
    }

    private static @Nullable String modelName(@Nullable String model) {
        return Secrets.safeName(blankToNull(model));
    }

}
