package io.inferlens.sample.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import io.inferlens.sample.simulator.ChatRequest.Message;
import io.inferlens.sample.simulator.ChatRequest.Tool;
import io.inferlens.sample.simulator.ChatRequest.ToolCall;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the simulated model answers, derived from the request alone: the rules are
 * documented on {@link SimulatedModelController}.
 *
 * @author Inferlens
 */
final class SimulatedModel {

    private static final int DEFAULT_MAX_TOKENS = 256;

    /**
     * The value of every required string argument of a simulated function call.
     */
    static final String STRING_ARGUMENT = "Paris";

    private static final String[] WORDS = { "Simulated", "answer", "the", "model", "considered", "your", "question",
            "and", "answers", "it" };

    private final String powerfulModel;

    private final JsonMapper jsonMapper;

    SimulatedModel(String powerfulModel, JsonMapper jsonMapper) {
        this.powerfulModel = powerfulModel;
        this.jsonMapper = jsonMapper;
    }

    Reply reply(ChatRequest request) {
        int promptTokens = 0;
        int lastMessageTokens = 0;
        String lastUserMessage = "";
        for (Message message : request.messages()) {
            lastMessageTokens = tokens(message);
            promptTokens += lastMessageTokens;
            if (message.hasRole("user")) {
                lastUserMessage = message.text();
            }
        }
        int cachedTokens = promptTokens - lastMessageTokens;
        List<ToolCall> toolCalls = toolCalls(request);
        if (!toolCalls.isEmpty()) {
            int callTokens = toolCalls.stream().mapToInt(SimulatedModel::tokens).sum();
            return new Reply(null, toolCalls, "tool_calls",
                    usage(request.model(), promptTokens, cachedTokens, callTokens));
        }
        int maxTokens = (request.maxTokens() != null) ? request.maxTokens() : DEFAULT_MAX_TOKENS;
        String content;
        int wanted;
        if (request.last().hasRole("tool")) {
            String answer = toolResultsAnswer(request.messages());
            wanted = Tokens.count(answer);
            content = Tokens.truncate(answer, maxTokens);
        }
        else {
            wanted = replyLength(request.model(), lastUserMessage);
            content = reply(Math.min(wanted, maxTokens));
        }
        String finishReason = (wanted > maxTokens) ? "length" : "stop";
        return new Reply(content, List.of(), finishReason,
                usage(request.model(), promptTokens, cachedTokens, Tokens.count(content)));
    }

    private static int tokens(Message message) {
        int tokens = Tokens.count(message.text()) + Tokens.PER_MESSAGE_OVERHEAD;
        for (ToolCall call : message.toolCalls()) {
            tokens += tokens(call);
        }
        return tokens;
    }

    private static int tokens(ToolCall call) {
        return Tokens.count(call.name()) + Tokens.count(call.arguments());
    }

    private static Usage usage(String model, int promptTokens, int cachedTokens, int visibleTokens) {
        int reasoningTokens = model.toLowerCase(Locale.ROOT).contains("reason") ? 2 * visibleTokens : 0;
        return new Usage(promptTokens, visibleTokens + reasoningTokens, cachedTokens, reasoningTokens);
    }

    /**
     * Length of the natural reply: it grows with the question, and the powerful model
     * says more.
     */
    private int replyLength(String model, String question) {
        return (model.equals(this.powerfulModel) ? 40 : 12) + Tokens.count(question) / 2;
    }

    /**
     * A reply of exactly the given number of tokens.
     */
    private static String reply(int wanted) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < wanted; i++) {
            text.append((i > 0) ? " " : "").append(WORDS[i % WORDS.length]);
        }
        return text.toString();
    }

    private List<ToolCall> toolCalls(ChatRequest request) {
        if (request.tools().isEmpty() || request.toolChoice().equals("none") || !request.last().hasRole("user")) {
            return List.of();
        }
        String question = request.last().text().toLowerCase(Locale.ROOT);
        List<ToolCall> calls = new ArrayList<>();
        for (Tool tool : request.tools()) {
            boolean forced = tool.name().equals(request.toolChoice());
            boolean named = question.contains(tool.name().toLowerCase(Locale.ROOT));
            if (forced || (named && isAutoOrRequired(request.toolChoice()))) {
                calls.add(call(tool));
            }
        }
        if (calls.isEmpty() && request.toolChoice().equals("required")) {
            calls.add(call(request.tools().get(0)));
        }
        return calls;
    }

    private static boolean isAutoOrRequired(String toolChoice) {
        return toolChoice.equals("auto") || toolChoice.equals("required");
    }

    private ToolCall call(Tool tool) {
        String id = "call_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
        return new ToolCall(id, tool.name(), this.jsonMapper.writeValueAsString(arguments(tool.parameters())));
    }

    /**
     * Arguments for the required parameters of a function's JSON schema.
     */
    private static ObjectNode arguments(JsonNode schema) {
        ObjectNode arguments = JsonNodeFactory.instance.objectNode();
        for (JsonNode required : schema.path("required")) {
            String name = required.stringValue("");
            if (!name.isEmpty()) {
                arguments.set(name, sampleValue(schema.path("properties").path(name)));
            }
        }
        return arguments;
    }

    private static JsonNode sampleValue(JsonNode schema) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        if (schema.path("enum").isArray() && !schema.path("enum").isEmpty()) {
            return schema.path("enum").get(0);
        }
        String type = schema.path("type").stringValue("string");
        for (JsonNode alternative : schema.path("type")) {
            if (!alternative.stringValue("null").equals("null")) {
                type = alternative.stringValue();
                break;
            }
        }
        return switch (type) {
            case "integer", "number" -> nodes.numberNode(1);
            case "boolean" -> nodes.booleanNode(true);
            case "array" -> nodes.arrayNode();
            case "object" -> nodes.objectNode();
            default -> nodes.stringNode(STRING_ARGUMENT);
        };
    }

    /**
     * An answer that quotes the results of the tool calls that end the conversation.
     */
    private static String toolResultsAnswer(List<Message> messages) {
        int first = messages.size();
        while (first > 0 && messages.get(first - 1).hasRole("tool")) {
            first--;
        }
        List<String> sentences = new ArrayList<>();
        for (Message result : messages.subList(first, messages.size())) {
            sentences.add("According to " + toolName(messages, result.toolCallId()) + ": " + result.text().strip());
        }
        return String.join(" ", sentences);
    }

    private static String toolName(List<Message> messages, @Nullable String toolCallId) {
        for (Message message : messages) {
            for (ToolCall call : message.toolCalls()) {
                if (call.id().equals(toolCallId)) {
                    return call.name();
                }
            }
        }
        return "the tool";
    }

    /**
     * The simulated model's answer.
     *
     * @param content the text, {@code null} when the model calls functions
     * @param toolCalls the function calls
     * @param finishReason {@code stop}, {@code length} or {@code tool_calls}
     * @param usage the tokens
     */
    record Reply(@Nullable String content, List<ToolCall> toolCalls, String finishReason, Usage usage) {

    }

    /**
     * Token usage of a completion.
     *
     * @param promptTokens tokens read
     * @param completionTokens tokens generated, reasoning tokens included
     * @param cachedTokens tokens read from the prompt cache, part of the prompt tokens
     * @param reasoningTokens tokens of hidden reasoning, part of the completion tokens
     */
    record Usage(int promptTokens, int completionTokens, int cachedTokens, int reasoningTokens) {

        int totalTokens() {
            return this.promptTokens + this.completionTokens;
        }

    }

}
