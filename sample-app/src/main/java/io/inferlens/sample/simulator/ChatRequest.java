package io.inferlens.sample.simulator;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A chat completion request as the simulator reads it: leniently, as OpenAI's clients
 * send it, with unknown fields ignored, message content as a string, {@code null} or an
 * array of parts, and tools.
 *
 * @param model the model asked for
 * @param messages the conversation
 * @param tools the functions the model may call
 * @param toolChoice {@code auto}, {@code none}, {@code required}, or the name of the
 * function the model must call
 * @param maxTokens {@code max_completion_tokens}, else {@code max_tokens}, or
 * {@code null}
 * @param stream whether to answer with server-sent events
 * @param includeUsage whether a stream ends with a usage chunk
 * @author Inferlens
 */
record ChatRequest(String model, List<Message> messages, List<Tool> tools, String toolChoice,
        @Nullable Integer maxTokens, boolean stream, boolean includeUsage) {

    static ChatRequest from(JsonNode body) {
        if (!body.isObject()) {
            throw new BadRequestException("The request body must be a JSON object", null);
        }
        String model = body.path("model").stringValue("");
        if (model.isBlank()) {
            throw new BadRequestException("model must be a non-blank string", "model");
        }
        JsonNode messages = body.path("messages");
        if (!messages.isArray() || messages.isEmpty()) {
            throw new BadRequestException("messages must be a non-empty array", "messages");
        }
        List<Message> conversation = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            conversation.add(Message.from(messages.get(i), "messages[" + i + "]"));
        }
        List<Tool> tools = new ArrayList<>();
        for (JsonNode tool : body.path("tools")) {
            String name = tool.path("function").path("name").stringValue("");
            if (!name.isBlank()) {
                tools.add(new Tool(name, tool.path("function").path("parameters")));
            }
        }
        JsonNode toolChoice = body.path("tool_choice");
        String choice = toolChoice.isObject() ? toolChoice.path("function").path("name").stringValue("auto")
                : toolChoice.stringValue("auto");
        Integer maxTokens = positiveInt(body, "max_completion_tokens");
        if (maxTokens == null) {
            maxTokens = positiveInt(body, "max_tokens");
        }
        boolean stream = body.path("stream").booleanValue(false);
        boolean includeUsage = body.path("stream_options").path("include_usage").booleanValue(false);
        return new ChatRequest(model, List.copyOf(conversation), List.copyOf(tools), choice, maxTokens, stream,
                includeUsage);
    }

    private static @Nullable Integer positiveInt(JsonNode body, String field) {
        JsonNode value = body.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return null;
        }
        if (!value.isInt() || value.intValue() <= 0) {
            throw new BadRequestException(field + " must be a positive integer", field);
        }
        return value.intValue();
    }

    /**
     * The last message of the conversation.
     * @return the message
     */
    Message last() {
        return this.messages.get(this.messages.size() - 1);
    }

    /**
     * One message of the conversation.
     *
     * @param role system, developer, user, assistant or tool
     * @param text its text, the text parts joined by new lines when the content is an
     * array, empty when it is {@code null}
     * @param toolCalls the calls of an assistant message
     * @param toolCallId the call a tool message answers, or {@code null}
     */
    record Message(String role, String text, List<ToolCall> toolCalls, @Nullable String toolCallId) {

        static Message from(JsonNode message, String param) {
            String role = message.path("role").stringValue("");
            if (role.isBlank()) {
                throw new BadRequestException(param + ".role must be a non-blank string", param + ".role");
            }
            List<ToolCall> toolCalls = new ArrayList<>();
            for (JsonNode call : message.path("tool_calls")) {
                JsonNode function = call.path("function");
                toolCalls.add(new ToolCall(call.path("id").stringValue(""), function.path("name").stringValue(""),
                        function.path("arguments").stringValue("")));
            }
            return new Message(role, text(message.path("content"), param), List.copyOf(toolCalls),
                    message.path("tool_call_id").stringValue(null));
        }

        private static String text(JsonNode content, String param) {
            if (content.isMissingNode() || content.isNull()) {
                return "";
            }
            if (content.isString()) {
                return content.stringValue();
            }
            if (content.isArray()) {
                List<String> texts = new ArrayList<>();
                for (JsonNode part : content) {
                    if (part.path("text").isString()) {
                        texts.add(part.path("text").stringValue());
                    }
                }
                return String.join("\n", texts);
            }
            throw new BadRequestException(param + ".content must be a string, an array of parts or null",
                    param + ".content");
        }

        boolean hasRole(String role) {
            return this.role.equals(role);
        }

    }

    /**
     * A function the model may call.
     *
     * @param name the function's name
     * @param parameters the JSON schema of its arguments, a missing node if none
     */
    record Tool(String name, JsonNode parameters) {

    }

    /**
     * A function call, asked for by the model.
     *
     * @param id the call's id, which the tool message with the result refers to
     * @param name the function's name
     * @param arguments the arguments, a JSON object in a string
     */
    record ToolCall(String id, String name, String arguments) {

    }

}
