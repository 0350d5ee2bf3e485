package io.inferlens.inference;

import java.util.concurrent.atomic.AtomicBoolean;

import io.inferlens.observation.ObservationTemplate;
import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

/**
 * One model call being observed, started by {@link InferenceRecorder#start}. Report what
 * is known as the call goes ({@link #chunk} for each chunk of a stream, {@link #result}
 * or {@link #usage} for the response, {@link #error} on failure), then {@link #stop} it,
 * once; {@link #close} stops it too, so it fits try-with-resources. Safe to use from the
 * thread that consumes a stream. Every method swallows instrumentation failures.
 *
 * @author Inferlens
 */
public final class Inference implements AutoCloseable {

    private final InferenceRecorder recorder;

    private final @Nullable Observation observation;

    private final InferenceObservationContext context;

    private final AtomicBoolean stopped = new AtomicBoolean();

    Inference(InferenceRecorder recorder, @Nullable Observation observation, InferenceObservationContext context) {
        this.recorder = recorder;
        this.observation = observation;
        this.context = context;
    }

    /**
     * Make this call's span current until the returned scope is closed, so that calls
     * made meanwhile (such as the HTTP request to the model) are its children.
     * @return the scope, to close on the same thread
     */
    public Scope openScope() {
        Observation observation = this.observation;
        if (observation == null) {
            return Scope.NOOP;
        }
        ObservationTemplate template = this.recorder.template();
        Observation.Scope enclosing = template.currentScope();
        Observation.Scope scope = template.openScope(observation, enclosing);
        return () -> template.closeScope(scope, enclosing);
    }

    /**
     * Set the model the request is made to, when it was not known at the start.
     * @param model the model
     * @return this call
     */
    public Inference requestModel(@Nullable String model) {
        this.context.setRequestModel(model);
        return this;
    }

    /**
     * Set the conversation's identifier ({@code gen_ai.conversation.id}).
     * @param conversationId the identifier
     * @return this call
     */
    public Inference conversationId(@Nullable String conversationId) {
        this.context.setConversationId(conversationId);
        return this;
    }

    /**
     * Record the input sent to the model, when content capture is enabled; masked.
     * @param input the input
     * @return this call
     */
    public Inference input(@Nullable Object input) {
        this.context.setContent(this.recorder.capture(input), null);
        return this;
    }

    /**
     * Record one chunk of a streamed response when it arrives: the first one sets the
     * time to first chunk, each later one a time per output chunk, and what the chunks
     * report of usage is merged, later chunks winning.
     * @param chunk the chunk
     * @return this call
     */
    public Inference chunk(@Nullable Object chunk) {
        if (chunk != null) {
            this.recorder.results().onElement(this.context, chunk);
        }
        else {
            this.context.setStreaming(true);
            this.context.chunk();
        }
        return this;
    }

    /**
     * Record the response of the model: its usage, read by the extractors, and, when
     * content capture is enabled, its text.
     * @param result the response
     * @return this call
     */
    public Inference result(@Nullable Object result) {
        this.recorder.results().onValue(this.context, result);
        return this;
    }

    /**
     * Record the usage of the call, as reported by the caller.
     * @param usage the usage
     * @return this call
     */
    public Inference usage(TokenUsage usage) {
        this.context.setUsage(usage.orElse(this.context.getUsage()));
        return this;
    }

    /**
     * Record that the call failed.
     * @param error the error
     * @return this call
     */
    public Inference error(Throwable error) {
        if (this.observation != null) {
            this.recorder.template().error(this.observation, error);
        }
        return this;
    }

    /**
     * Record that the caller cancelled the call before it ended, such as a client that
     * went away from a stream; {@link #stop} still ends it.
     * @return this call
     */
    public Inference cancelled() {
        this.context.setCancelled(true);
        return this;
    }

    /**
     * Stop observing the call, recording its span and meters; later calls do nothing.
     */
    public void stop() {
        if (this.observation != null && this.stopped.compareAndSet(false, true)) {
            this.recorder.template().stop(this.observation);
        }
    }

    /**
     * Same as {@link #stop()}.
     */
    @Override
    public void close() {
        stop();
    }

    /**
     * A scope in which a call's span is current.
     */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {

        /**
         * A scope that changes nothing.
         */
        Scope NOOP = () -> {
        };

        /**
         * Close the scope, making current again what was current before.
         */
        @Override
        void close();

    }

    /**
     * The observation's context.
     * @return the context
     */
    public InferenceObservationContext getContext() {
        return this.context;
    }

}
