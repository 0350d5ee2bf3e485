package io.inferlens.inference;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;

import io.inferlens.observation.FailureLog;
import io.inferlens.observation.GuardedObservations;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Observes calls to generative AI models: the programmatic equivalent of
 * {@link io.inferlens.annotation.TracedInference @TracedInference}, which it also serves.
 * <pre class="code">
 * String answer = recorder.observe("chat", "openai", "gpt-4o", () -&gt; client.chat(request));
 *
 * try (Inference inference = recorder.start("chat", "openai", "gpt-4o");
 *         Inference.Scope scope = inference.openScope()) {
 *     stream.forEach(inference::chunk);
 * }
 * </pre> It also counts hits and misses of a response cache in front of a model, through
 * {@link CacheMetrics}. Instrumentation failures are logged once at WARN (then at DEBUG)
 * and never reach the observed call.
 *
 * @author Inferlens
 */
public class InferenceRecorder {

    private static final Log logger = LogFactory.getLog(InferenceRecorder.class);

    private final ObservationRegistry registry;

    private final @Nullable InferenceObservationConvention convention;

    private final TokenUsageExtractors extractors;

    private final ContentCapture contentCapture;

    private final String defaultProvider;

    private final CacheMetrics cacheMetrics;

    private final GuardedObservations guarded;

    /**
     * Create a recorder.
     * @param registry the observation registry
     * @param convention a convention to use instead of the default, or {@code null}
     * @param extractors the token usage extractors
     * @param contentCapture whether and how to capture prompts and completions
     * @param defaultProvider the provider of calls that name none
     * @param cacheMetrics the counter of cache lookups
     */
    public InferenceRecorder(ObservationRegistry registry, @Nullable InferenceObservationConvention convention,
            TokenUsageExtractors extractors, ContentCapture contentCapture, String defaultProvider,
            CacheMetrics cacheMetrics) {
        this.registry = registry;
        this.guarded = new GuardedObservations(registry,
                new FailureLog(logger, "Failed to %s the observation of a model call; the call itself is unaffected"));
        this.convention = convention;
        this.extractors = extractors;
        this.contentCapture = contentCapture;
        this.defaultProvider = defaultProvider;
        this.cacheMetrics = cacheMetrics;
    }

    /**
     * Start observing a model call. The caller reports its progress on the returned
     * {@link Inference} and stops it.
     * @param operation the operation ({@code chat}, {@code embeddings}, ...)
     * @param provider the provider, or {@code null} for the default one
     * @param model the model asked, or {@code null} if not known yet
     * @return the call
     */
    public Inference start(String operation, @Nullable String provider, @Nullable String model) {
        InferenceObservationContext context = new InferenceObservationContext(operation,
                (provider != null && !provider.isBlank()) ? provider : this.defaultProvider, model);
        return new Inference(this, start(context), context);
    }

    /**
     * Observe a model call made by the given callable, whose result is read by the
     * {@link TokenUsageExtractor}s.
     * @param <T> the type of the result
     * @param operation the operation
     * @param provider the provider, or {@code null} for the default one
     * @param model the model asked, or {@code null}
     * @param call the call
     * @return what the call returned
     * @throws Exception what the call threw, unchanged
     */
    public <T> T observe(String operation, @Nullable String provider, @Nullable String model, Callable<T> call)
            throws Exception {
        Inference inference = start(operation, provider, model);
        try (Inference.Scope scope = inference.openScope()) {
            T result = call.call();
            inference.result(result);
            return result;
        }
        catch (Exception | Error ex) {
            inference.error(ex);
            throw ex;
        }
        finally {
            inference.stop();
        }
    }

    /**
     * Count a hit of a response cache: the model was not called.
     */
    public void recordCacheHit() {
        recordCache(true);
    }

    /**
     * Count a miss of a response cache.
     */
    public void recordCacheMiss() {
        recordCache(false);
    }

    private void recordCache(boolean hit) {
        try {
            this.cacheMetrics.record(hit);
        }
        catch (RuntimeException ex) {
            this.guarded.failed("count a cache lookup for", ex);
        }
    }

    /**
     * Observe one call of a {@code @TracedInference} method.
     * @param method the method's metadata
     * @param arguments the call's arguments
     * @param invocation the call
     * @return what the method returned, a Reactor type wrapped to be observed until it
     * terminates
     * @throws Throwable what the method threw, unchanged
     */
    public @Nullable Object observe(InferenceMethod method, @Nullable Object[] arguments, Invocation invocation)
            throws Throwable {
        Inference inference;
        try {
            InferenceObservationContext context = method.newContext(arguments, this.defaultProvider);
            inference = new Inference(this, start(context), context);
        }
        catch (RuntimeException | LinkageError ex) {
            this.guarded.failed("start", ex);
            return invocation.proceed();
        }
        if (this.contentCapture.isEnabled()) {
            try {
                inference.input(method.input(arguments));
            }
            catch (RuntimeException ex) {
                // an argument's toString() may throw; the observation is started and
                // must still be stopped, so the call goes on observed
                this.guarded.failed("capture the input of", ex);
            }
        }
        Object result;
        try (Inference.Scope scope = inference.openScope()) {
            result = invocation.proceed();
        }
        catch (Throwable ex) {
            inference.error(ex);
            inference.stop();
            throw ex;
        }
        return completed(method, inference, result);
    }

    private @Nullable Object completed(InferenceMethod method, Inference inference, @Nullable Object result) {
        try {
            switch (method.getResultKind()) {
                case COMPLETION_STAGE:
                    if (result instanceof CompletionStage<?> stage) {
                        stage.whenComplete((value, error) -> {
                            try {
                                if (error != null) {
                                    inference.error(GuardedObservations.unwrap(error));
                                }
                                else {
                                    inference.result(value);
                                }
                            }
                            finally {
                                inference.stop();
                            }
                        });
                        return result;
                    }
                    break;
                case REACTOR:
                    if (result != null) {
                        return ReactorInference.observe(result, inference);
                    }
                    break;
                default:
                    inference.result(result);
            }
        }
        catch (RuntimeException | LinkageError ex) {
            this.guarded.failed("observe the result of", ex);
        }
        inference.stop();
        return result;
    }

    private @Nullable Observation start(InferenceObservationContext context) {
        try {
            Observation observation = Observation.createNotStarted(this.convention,
                    DefaultInferenceObservationConvention.INSTANCE, () -> context, this.registry);
            if (observation.isNoop()) {
                return null;
            }
            // Observation applies the convention's contextual name only on stop: name the
            // span now, so that samplers and handlers see its name from the start
            InferenceObservationConvention convention = (this.convention != null) ? this.convention
                    : DefaultInferenceObservationConvention.INSTANCE;
            observation.contextualName(convention.getContextualName(context));
            return observation.start();
        }
        catch (RuntimeException | LinkageError ex) {
            this.guarded.failed("start", ex);
            return null;
        }
    }

    Inference.Scope openScope(Observation observation) {
        Observation.Scope enclosing = this.guarded.currentScope();
        Observation.Scope scope = this.guarded.openScope(observation, enclosing);
        return () -> this.guarded.closeScope(scope, enclosing);
    }

    void error(Observation observation, Throwable error) {
        this.guarded.error(observation, error);
    }

    void stop(Observation observation) {
        this.guarded.stop(observation);
    }

    @Nullable TokenUsage extract(@Nullable Object result) {
        return this.extractors.extract(result);
    }

    @Nullable String capture(@Nullable Object content) {
        try {
            return this.contentCapture.capture(content);
        }
        catch (RuntimeException | LinkageError ex) {
            // the content's toString() is the caller's code and may throw
            this.guarded.failed("capture the content of", ex);
            return null;
        }
    }

    /**
     * The call being observed.
     */
    @FunctionalInterface
    public interface Invocation {

        /**
         * Make the call.
         * @return what the method returned
         * @throws Throwable what the method threw
         */
        @Nullable Object proceed() throws Throwable;

    }

}
