package io.inferlens.inference;

import java.util.concurrent.Callable;

import io.inferlens.observation.FailureLog;
import io.inferlens.observation.ObservationTemplate;
import io.inferlens.observation.ObservedCall;
import io.inferlens.observation.ResultKind;
import io.inferlens.observation.ResultListener;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Observes calls to generative AI models through the {@link ObservationTemplate}: the
 * programmatic equivalent of {@link io.inferlens.annotation.TracedInference
 * &#64;TracedInference}, which it also serves. <pre class="code">
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

    private final @Nullable InferenceObservationConvention convention;

    private final TokenUsageExtractors extractors;

    private final ContentCapture contentCapture;

    private final String defaultProvider;

    private final CacheMetrics cacheMetrics;

    private final ObservationTemplate template;

    private final ResultListener<InferenceObservationContext> results = new Results();

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
        this.template = new ObservationTemplate(registry,
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
        return start(operation, provider, model, InferenceRecord.Source.RECORDER);
    }

    /**
     * Start observing a model call on behalf of an integration of a model library. A
     * library's call ({@link InferenceRecord.Source#SPRING_AI},
     * {@link InferenceRecord.Source#LANGCHAIN4J}) inside another Inferlens model-call
     * observation is the one counted (see
     * {@link InferenceObservationContext#isDelegated()}).
     * @param operation the operation ({@code chat}, {@code embeddings}, ...)
     * @param provider the provider, or {@code null} for the default one
     * @param model the model asked, or {@code null} if not known yet
     * @param source where the call is observed
     * @return the call
     */
    public Inference start(String operation, @Nullable String provider, @Nullable String model,
            InferenceRecord.Source source) {
        InferenceObservationContext context = new InferenceObservationContext(operation, provider(provider), model,
                source);
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
        InferenceObservationContext context = new InferenceObservationContext(operation, provider(provider), model,
                InferenceRecord.Source.RECORDER);
        return this.template.observe(start(context), context, ResultKind.PLAIN, call::call, this.results);
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
            this.template.failed("count a cache lookup for", ex);
        }
    }

    /**
     * Observe one call of a {@code @TracedInference} method.
     * @param method the method's metadata
     * @param arguments the call's arguments
     * @param call the call
     * @return what the method returned, a Reactor type wrapped to be observed until it
     * terminates
     * @throws Throwable what the method threw, unchanged
     */
    public @Nullable Object observe(InferenceMethod method, @Nullable Object[] arguments,
            ObservedCall<?, Throwable> call) throws Throwable {
        if (method.getResultKind().isReactive()) {
            return this.template.observeReactive(method.getResultKind(), () -> start(method, arguments), call,
                    this.results);
        }
        InferenceObservationContext context = newContext(method, arguments);
        if (context == null) {
            return call.call();
        }
        Observation observation = start(method, arguments, context);
        return this.template.observe(observation, context, method.getResultKind(), call, this.results);
    }

    private ObservationTemplate.@Nullable Started<InferenceObservationContext> start(InferenceMethod method,
            @Nullable Object[] arguments) {
        InferenceObservationContext context = newContext(method, arguments);
        Observation observation = (context != null) ? start(method, arguments, context) : null;
        return (observation != null) ? new ObservationTemplate.Started<>(observation, context) : null;
    }

    private @Nullable InferenceObservationContext newContext(InferenceMethod method, @Nullable Object[] arguments) {
        try {
            return method.newContext(arguments, this.defaultProvider);
        }
        catch (RuntimeException | LinkageError ex) {
            this.template.failed("start", ex);
            return null;
        }
    }

    private @Nullable Observation start(InferenceMethod method, @Nullable Object[] arguments,
            InferenceObservationContext context) {
        Observation observation = start(context);
        if (observation != null && this.contentCapture.isEnabled()) {
            try {
                context.setContent(capture(method.input(arguments)), null);
            }
            catch (RuntimeException ex) {
                // an argument's toString() may throw; the observation is started and
                // must still be stopped, so the call goes on observed
                this.template.failed("capture the input of", ex);
            }
        }
        return observation;
    }

    private String provider(@Nullable String provider) {
        return (provider != null && !provider.isBlank()) ? provider : this.defaultProvider;
    }

    private @Nullable Observation start(InferenceObservationContext context) {
        return this.template.start(InferenceObservationDocumentation.INFERENCE, this.convention,
                DefaultInferenceObservationConvention.INSTANCE, context);
    }

    ObservationTemplate template() {
        return this.template;
    }

    ResultListener<InferenceObservationContext> results() {
        return this.results;
    }

    void usage(InferenceObservationContext context, @Nullable Object result) {
        TokenUsage usage = this.extractors.extract(result);
        if (usage != null) {
            context.setUsage(usage.orElse(context.getUsage()));
        }
    }

    @Nullable String capture(@Nullable Object content) {
        try {
            return this.contentCapture.capture(content);
        }
        catch (RuntimeException | LinkageError ex) {
            // the content's toString() is the caller's code and may throw
            this.template.failed("capture the content of", ex);
            return null;
        }
    }

    /**
     * What a model call's result says: the usage, read by the extractors, of the response
     * or of each chunk of a stream, and the response's text when content capture is
     * enabled.
     */
    private final class Results implements ResultListener<InferenceObservationContext> {

        @Override
        public void onValue(InferenceObservationContext context, @Nullable Object value) {
            usage(context, value);
            context.setContent(null, capture(value));
        }

        @Override
        public void onElement(InferenceObservationContext context, Object element) {
            context.setStreaming(true);
            context.chunk();
            usage(context, element);
        }

        @Override
        public void onCancel(InferenceObservationContext context) {
            context.setCancelled(true);
        }

    }

}
