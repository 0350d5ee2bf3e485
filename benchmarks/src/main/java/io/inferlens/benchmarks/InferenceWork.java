package io.inferlens.benchmarks;

import java.util.List;

import io.inferlens.annotation.InferenceModel;
import io.inferlens.annotation.TracedInference;

/**
 * A model call observed by Inferlens' {@link TracedInference @TracedInference}, without
 * the model: it returns an OpenAI-shaped response built once, so that what is measured is
 * the instrumentation, token extraction and cost included. The model is named by the
 * request, as in a real client.
 *
 * @author Inferlens
 */
public class InferenceWork {

    /**
     * Name of the operation.
     */
    public static final String OPERATION = "chat";

    /**
     * Name of the provider.
     */
    public static final String PROVIDER = "openai";

    /**
     * Model the requests are made to and the responses come from.
     */
    public static final String MODEL = "bench-model";

    /**
     * Name of the span of each call.
     */
    public static final String SPAN_NAME = OPERATION + " " + MODEL;

    /**
     * Input tokens of each response.
     */
    public static final long PROMPT_TOKENS = 120;

    /**
     * Output tokens of each response.
     */
    public static final long COMPLETION_TOKENS = 30;

    /**
     * Price of the model: US dollars per million input tokens.
     */
    public static final double INPUT_PRICE = 2.5;

    /**
     * Price of the model: US dollars per million output tokens.
     */
    public static final double OUTPUT_PRICE = 10;

    /**
     * Cost of each call in US dollars, at the configured prices.
     */
    public static final double COST_PER_CALL = (PROMPT_TOKENS * INPUT_PRICE + COMPLETION_TOKENS * OUTPUT_PRICE)
            / 1_000_000.0;

    /**
     * Properties that give the model its price, so that each call records a cost.
     */
    public static final List<String> PRICING_PROPERTIES = List.of(
            "inferlens.pricing.models." + MODEL + ".input=" + INPUT_PRICE,
            "inferlens.pricing.models." + MODEL + ".output=" + OUTPUT_PRICE);

    private final ChatResponse response = new ChatResponse("chatcmpl-bench", MODEL, List.of(new Choice(0, "stop")),
            new Usage(PROMPT_TOKENS, COMPLETION_TOKENS, PROMPT_TOKENS + COMPLETION_TOKENS));

    /**
     * Answer a request, always with the same response.
     * @param request the request, naming the model
     * @return the response
     */
    @TracedInference(operation = OPERATION, provider = PROVIDER)
    public ChatResponse chat(@InferenceModel ChatRequest request) {
        return this.response;
    }

    /**
     * A chat request.
     *
     * @param model the model the request is made to
     * @param prompt the prompt
     */
    public record ChatRequest(String model, String prompt) {

    }

    /**
     * An OpenAI-shaped chat response.
     *
     * @param id the identifier of the response
     * @param model the model that answered
     * @param choices the generations
     * @param usage the tokens used
     */
    public record ChatResponse(String id, String model, List<Choice> choices, Usage usage) {

    }

    /**
     * One generation of a response.
     *
     * @param index the index of the generation
     * @param finishReason why the model stopped
     */
    public record Choice(int index, String finishReason) {

    }

    /**
     * Tokens used by a call.
     *
     * @param promptTokens the input tokens
     * @param completionTokens the output tokens
     * @param totalTokens the input and output tokens
     */
    public record Usage(long promptTokens, long completionTokens, long totalTokens) {

    }

}
