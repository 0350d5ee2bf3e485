package io.inferlens.sample.gateway;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import io.inferlens.annotation.Traced;
import io.inferlens.experiments.Experiments;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Answers a chat request: from the response cache when the same prompt was answered
 * before, else through the model the {@link ModelRouter} picks (under the routing policy
 * the {@code routing-policy} experiment assigns to the caller) or the model the request
 * names. The experiment's outcome of a routed call is whether the model answered in full
 * (finish reason {@code stop}).
 *
 * @author Inferlens
 */
@Component
public class ChatRouter {

    /**
     * The experiment comparing routing policies.
     */
    public static final String EXPERIMENT = "routing-policy";

    private final ModelRouter modelRouter;

    private final ModelClient modelClient;

    private final ResponseCache cache;

    private final @Nullable Experiments experiments;

    /**
     * Create the router. Without Inferlens' {@link Experiments} (when
     * {@code inferlens.enabled=false}), every caller gets the {@code threshold} policy.
     * @param modelRouter the router of automatic requests
     * @param modelClient the client of the models
     * @param cache the response cache
     * @param experiments the experiments, if Inferlens provides them
     */
    public ChatRouter(ModelRouter modelRouter, ModelClient modelClient, ResponseCache cache,
            ObjectProvider<Experiments> experiments) {
        this.modelRouter = modelRouter;
        this.modelClient = modelClient;
        this.cache = cache;
        this.experiments = experiments.getIfAvailable();
    }

    /**
     * Choose a model for the request and get its completion.
     * @param request the chat request
     * @return the decision and the completion
     */
    @Traced(value = "gateway.route", attributes = @Traced.Attribute(key = "component", value = "router"))
    public RoutedCompletion route(ChatCompletionRequest request) {
        Optional<RoutedCompletion> cached = this.cache.get(request);
        if (cached.isPresent()) {
            return cached.get();
        }
        RoutingDecision decision = decide(request);
        ChatCompletionResponse response;
        try {
            response = this.modelClient.complete(request.withModel(decision.model()));
        }
        catch (RuntimeException ex) {
            recordOutcome(decision, false);
            throw ex;
        }
        recordOutcome(decision, "stop".equals(response.choices().get(0).finishReason()));
        RoutedCompletion completion = new RoutedCompletion(decision, response);
        this.cache.put(request, completion);
        return completion;
    }

    /**
     * Choose a model for the request and stream its completion. The choice is made, and
     * the backend called, when the stream is subscribed to; the experiment's outcome is
     * recorded when it ends. Streams are not cached.
     * @param request the chat request
     * @return the chunks of the completion
     */
    @Traced(value = "gateway.route", attributes = @Traced.Attribute(key = "component", value = "router"))
    public Flux<ChatCompletionChunk> stream(ChatCompletionRequest request) {
        return Flux.defer(() -> {
            RoutingDecision decision = decide(request);
            AtomicReference<@Nullable String> finishReason = new AtomicReference<>();
            return this.modelClient.stream(request.streamedTo(decision.model())).doOnNext((chunk) -> {
                String reason = chunk.finishReason();
                if (reason != null) {
                    finishReason.set(reason);
                }
            })
                .doOnComplete(() -> recordOutcome(decision, "stop".equals(finishReason.get())))
                .doOnError((ex) -> recordOutcome(decision, false));
        });
    }

    private RoutingDecision decide(ChatCompletionRequest request) {
        if (!ChatCompletionRequest.AUTO.equalsIgnoreCase(request.model())) {
            return RoutingDecision.explicit(request.model(), Features.of(request.messages()).complexity());
        }
        String policy = (this.experiments != null) ? this.experiments.assign(EXPERIMENT, subject(request))
                : "threshold";
        return this.modelRouter.decide(request, policy);
    }

    private void recordOutcome(RoutingDecision decision, boolean success) {
        if (this.experiments != null && !"explicit".equals(decision.policy())) {
            this.experiments.recordOutcome(EXPERIMENT, decision.policy(), success);
        }
    }

    /**
     * Who the request is for, so that a caller keeps its routing policy: the OpenAI
     * {@code user} field, else the conversation's first message.
     */
    private static String subject(ChatCompletionRequest request) {
        @Nullable String user = request.user();
        if (user != null && !user.isBlank()) {
            return user;
        }
        return request.messages().get(0).content();
    }

}
