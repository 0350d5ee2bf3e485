package io.inferlens.sample.simulator;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import io.inferlens.sample.gateway.ChatCompletionRequest;
import io.inferlens.sample.gateway.ChatCompletionResponse;
import io.inferlens.sample.gateway.ChatMessage;
import io.inferlens.sample.gateway.GatewayProperties;
import jakarta.validation.Valid;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A simulated OpenAI-compatible model server under {@code /simulator}, so that the
 * gateway runs on a fresh machine with no model installed. It waits a configurable
 * latency, fails a configurable fraction of calls with HTTP 503, and derives token counts
 * from the text.
 *
 * @author Inferlens
 */
@RestController
@RequestMapping("/simulator/v1")
public class SimulatedModelController {

    private static final int DEFAULT_MAX_TOKENS = 256;

    private final GatewayProperties.Simulator simulator;

    private final GatewayProperties.Models models;

    public SimulatedModelController(GatewayProperties properties) {
        this.simulator = properties.getSimulator();
        this.models = properties.getModels();
    }

    @PostMapping("/chat/completions")
    public ResponseEntity<?> complete(@Valid @RequestBody ChatCompletionRequest request) throws InterruptedException {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        Duration latency = this.simulator.getLatency();
        if (!latency.isZero()) {
            Thread.sleep((long) (latency.toMillis() * (0.5 + random.nextDouble())));
        }
        if (random.nextDouble() < this.simulator.errorRate(request.model())) {
            return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .body(Map.of("error", Map.of("message", "The simulated model is overloaded", "type", "server_error")));
        }
        int promptTokens = 0;
        String lastUserMessage = "";
        for (ChatMessage message : request.messages()) {
            promptTokens += Tokens.count(message.content()) + Tokens.PER_MESSAGE_OVERHEAD;
            if ("user".equals(message.role())) {
                lastUserMessage = message.content();
            }
        }
        int maxTokens = (request.maxTokens() != null) ? request.maxTokens() : DEFAULT_MAX_TOKENS;
        int wanted = replyLength(request.model(), lastUserMessage);
        String content = reply(Math.min(wanted, maxTokens));
        int completionTokens = Tokens.count(content);
        String finishReason = (wanted > maxTokens) ? "length" : "stop";
        ChatCompletionResponse response = new ChatCompletionResponse("chatcmpl-" + UUID.randomUUID(), "chat.completion",
                Instant.now().getEpochSecond(), request.model(),
                List.of(new ChatCompletionResponse.Choice(0, new ChatMessage("assistant", content), finishReason)),
                new ChatCompletionResponse.Usage(promptTokens, completionTokens, promptTokens + completionTokens));
        return ResponseEntity.ok(response);
    }

    /**
     * Length of the natural reply: it grows with the question, and the powerful model
     * says more.
     */
    private int replyLength(String model, String question) {
        return (model.equals(this.models.getPowerful()) ? 40 : 12) + Tokens.count(question) / 2;
    }

    /**
     * A reply of exactly the given number of tokens.
     */
    private String reply(int wanted) {
        String[] words = { "Simulated", "answer", "the", "model", "considered", "your", "question", "and", "answers",
                "it" };
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < wanted; i++) {
            text.append((i > 0) ? " " : "").append(words[i % words.length]);
        }
        return text.toString();
    }

}
