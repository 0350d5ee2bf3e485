package io.inferlens.sample.gateway;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import io.inferlens.annotation.Traced;

import org.springframework.stereotype.Component;

/**
 * Routes each chat request to a lightweight or a powerful model by a complexity score
 * computed from the conversation, then calls the chosen model. A request that names a
 * model goes to that model.
 *
 * @author Inferlens
 */
@Component
public class ChatRouter {

    private static final Pattern COMPLEX_CUES = Pattern
        .compile("\\b(explain|analy[sz]e|compare|prove|derive|design|step by step|implement|debug|refactor|why)\\b");

    private final ModelClient modelClient;

    private final GatewayProperties properties;

    public ChatRouter(ModelClient modelClient, GatewayProperties properties) {
        this.modelClient = modelClient;
        this.properties = properties;
    }

    /**
     * Choose a model for the request and get its completion.
     * @param request the chat request
     * @return the decision and the completion
     */
    @Traced(value = "gateway.route", attributes = @Traced.Attribute(key = "component", value = "router"))
    public RoutedCompletion route(ChatCompletionRequest request) {
        RoutingDecision decision = decide(request);
        ChatCompletionResponse response = this.modelClient.complete(request.withModel(decision.model()));
        return new RoutedCompletion(decision, response);
    }

    RoutingDecision decide(ChatCompletionRequest request) {
        double complexity = complexity(request.messages());
        if (!ChatCompletionRequest.AUTO.equalsIgnoreCase(request.model())) {
            return new RoutingDecision(request.model(), "explicit", complexity, 1.0);
        }
        double threshold = this.properties.getRouter().getThreshold();
        boolean powerful = complexity >= threshold;
        double margin = Math.abs(complexity - threshold) / Math.max(threshold, 1.0 - threshold);
        double confidence = 0.5 + 0.5 * Math.min(1.0, margin);
        GatewayProperties.Models models = this.properties.getModels();
        return powerful ? new RoutingDecision(models.getPowerful(), "powerful", complexity, confidence)
                : new RoutingDecision(models.getLightweight(), "lightweight", complexity, confidence);
    }

    static double complexity(List<ChatMessage> messages) {
        int words = 0;
        int questions = 0;
        boolean cue = false;
        for (ChatMessage message : messages) {
            if (!"user".equals(message.role())) {
                continue;
            }
            String text = message.content().toLowerCase(Locale.ROOT);
            words += text.isBlank() ? 0 : text.trim().split("\\s+").length;
            questions += (int) text.chars().filter((c) -> c == '?').count();
            cue = cue || COMPLEX_CUES.matcher(text).find();
        }
        double score = 0.5 * Math.min(1.0, words / 120.0);
        score += cue ? 0.5 : 0.0;
        score += (questions > 1) ? 0.1 : 0.0;
        score += (messages.size() > 6) ? 0.1 : 0.0;
        return Math.min(1.0, score);
    }

}
