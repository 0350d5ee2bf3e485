package io.inferlens.inference;

import java.util.concurrent.TimeUnit;

import io.inferlens.observation.InstrumentedOperation;
import io.inferlens.privacy.Secrets;
import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

/**
 * Context of the observation of one call to a generative AI model: what the request said
 * (operation, provider, model, conversation) and what the response reported (model, token
 * usage, finish reasons, time to the first chunk of a stream).
 *
 * @author Inferlens
 */
public class InferenceObservationContext extends Observation.Context implements InstrumentedOperation {

    /**
     * Name of the observation.
     */
    public static final String NAME = "gen_ai.client.operation";

    private final String operation;

    private final String provider;

    private volatile @Nullable String requestModel;

    private volatile @Nullable String conversationId;

    private volatile TokenUsage usage = TokenUsage.NONE;

    private volatile boolean streaming;

    private final long createdNanos = System.nanoTime();

    private volatile long firstChunkNanos;

    private volatile @Nullable String inputContent;

    private volatile @Nullable String outputContent;

    private long startNanos;

    private @Nullable Object tracingContext;

    /**
     * Create a context.
     * @param operation the operation name ({@code gen_ai.operation.name})
     * @param provider the provider name ({@code gen_ai.provider.name})
     * @param requestModel the model asked, or {@code null}
     */
    public InferenceObservationContext(String operation, String provider, @Nullable String requestModel) {
        this.operation = operation;
        this.provider = provider;
        this.requestModel = modelName(requestModel);
        setName(NAME);
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
     * Record that the first chunk of a streamed response arrived now; later calls are
     * ignored.
     */
    public void firstChunk() {
        if (this.firstChunkNanos == 0) {
            this.firstChunkNanos = Math.max(System.nanoTime(), this.createdNanos + 1);
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
     * Class of the error the call ended with: the exception's fully qualified name.
     * @return the error type, or {@code null} if the call succeeded
     */
    public @Nullable String getErrorType() {
        Throwable error = getError();
        return (error != null) ? error.getClass().getName() : null;
    }

    long getStartNanos() {
        return this.startNanos;
    }

    void setStartNanos(long startNanos) {
        this.startNanos = startNanos;
    }

    @Nullable Object getTracingContext() {
        return this.tracingContext;
    }

    void setTracingContext(Object tracingContext) {
        this.tracingContext = tracingContext;
    }

    private static @Nullable String blankToNull(@Nullable String value) {
        return (value != null && !value.isBlank()) ? value : null;
    }

    private static @Nullable String modelName(@Nullable String model) {
        return Secrets.safeName(blankToNull(model));
    }

}
