package io.inferlens.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method that calls a generative AI model. Each call is observed following the
 * OpenTelemetry GenAI semantic conventions (v1.41): a {@code CLIENT} span named
 * {@code {gen_ai.operation.name} {gen_ai.request.model}} with the {@code gen_ai.*}
 * attributes, the {@code gen_ai.client.operation.duration} and
 * {@code gen_ai.client.token.usage} histograms, and the cost of the call when the model
 * has a price.
 * <p>
 * The request model is the {@link #model()} attribute, or the argument marked
 * {@link InferenceModel @InferenceModel}; the response model, token usage and finish
 * reasons are read from the return value by
 * {@link io.inferlens.inference.TokenUsageExtractor TokenUsageExtractor}s. A
 * {@link java.util.concurrent.CompletionStage CompletionStage} is observed until it
 * completes, and a Reactor {@code Flux} as a stream: until it terminates, with the time
 * to its first element.
 *
 * @author Inferlens
 * @see io.inferlens.inference.InferenceRecorder
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface TracedInference {

    /**
     * Name of the operation ({@code gen_ai.operation.name}), such as {@code chat},
     * {@code text_completion}, {@code embeddings} or {@code generate_content}.
     * @return the operation name
     */
    String operation() default "chat";

    /**
     * Provider of the model ({@code gen_ai.provider.name}), such as {@code openai},
     * {@code anthropic} or {@code aws.bedrock}. When empty,
     * {@code inferlens.inference.default-provider}.
     * @return the provider name
     */
    String provider() default "";

    /**
     * Model the request is made to ({@code gen_ai.request.model}). When empty, taken from
     * the argument marked {@link InferenceModel @InferenceModel}, if any.
     * @return the model name
     */
    String model() default "";

}
