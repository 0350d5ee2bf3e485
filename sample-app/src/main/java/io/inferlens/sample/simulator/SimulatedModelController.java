package io.inferlens.sample.simulator;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.inferlens.sample.gateway.GatewayProperties;
import io.inferlens.sample.simulator.ChatRequest.ToolCall;
import io.inferlens.sample.simulator.SimulatedModel.Reply;
import io.inferlens.sample.simulator.SimulatedModel.Usage;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A simulated OpenAI-compatible model server under {@code /simulator}, so that the
 * gateway, Spring AI's and LangChain4j's OpenAI clients run on a fresh machine with no
 * model installed. Every call waits a configurable latency (half to one and a half times
 * it) and fails a configurable fraction of calls with HTTP 503 and an OpenAI error body;
 * everything else is derived from the request, deterministically:
 * <ul>
 * <li>{@code POST /simulator/v1/chat/completions}: a {@code chat.completion}, or with
 * {@code "stream": true} server-sent events: {@code data: {chunk}} lines of
 * {@code chat.completion.chunk}s whose {@code choices[0].delta} carry the role and a few
 * words each, a chunk with an empty delta and the {@code finish_reason}, a chunk with
 * empty {@code choices} and the {@code usage} when {@code stream_options.include_usage}
 * is true, and {@code data: [DONE]}. The first chunk comes after the latency, every
 * further one {@code gateway.simulator.chunk-delay} later. With
 * {@code gateway.simulator.fail-streams-after} set, a stream sends an error event in
 * place of that chunk and ends without {@code [DONE]}. A client that goes away ends the
 * stream at the next write.</li>
 * <li>The reply has as many words as 12 (the {@code gateway.models.powerful} model: 40)
 * plus half the tokens of the last user message, cut at {@code max_completion_tokens} or
 * {@code max_tokens} (256 if absent) with {@code finish_reason} {@code length}.</li>
 * <li>Tool calls: when the request has {@code tools}, {@code tool_choice} is not
 * {@code none} and the last message is a {@code user} message that contains a function's
 * name (ignoring case), the answer calls every such function, in the order of
 * {@code tools}, with {@code finish_reason} {@code tool_calls}; {@code tool_choice}
 * {@code required} calls the first function if none is named, a named {@code tool_choice}
 * calls that one. A call has the id {@code call_} and 24 hex digits, and as arguments a
 * JSON object with the schema's {@code required} properties: strings {@code "Paris"} (the
 * first value of an {@code enum}), numbers 1, booleans {@code true}, arrays and objects
 * empty. Streamed, a call's first {@code delta.tool_calls} entry carries its
 * {@code index}, id, type and name with empty arguments, and two further entries the two
 * halves of the arguments. When the last messages are {@code tool} messages, the reply is
 * "According to {function}: {result}" for each of them.</li>
 * <li>{@code usage}: a message costs {@link Tokens#count} of its text (text parts of an
 * array content joined by new lines; {@code null} is empty) plus the names and arguments
 * of its tool calls plus 3; {@code prompt_tokens} is the sum over the messages (tool
 * definitions are free); {@code prompt_tokens_details.cached_tokens} is that of all
 * messages but the last, as if the conversation's prefix were cached;
 * {@code completion_tokens} counts the reply, or the names and arguments of the calls,
 * plus {@code completion_tokens_details.reasoning_tokens}, which is twice that for a
 * model whose name contains "reason" (ignoring case), else 0.</li>
 * <li>{@code POST /simulator/v1/embeddings}: {@code input} a string, an array of strings,
 * a token array or an array of token arrays; one unit-length vector each, of
 * {@code dimensions} (default 8) floats derived from a SHA-256 of the text, as numbers
 * ({@code encoding_format} {@code float}, the default) or base64 of little-endian float32
 * ({@code base64}, which the openai-java SDK sends by default); {@code usage} with
 * {@code prompt_tokens} and {@code total_tokens}, {@link Tokens#count} of the texts (the
 * length of token arrays).</li>
 * </ul>
 * Unknown fields are ignored; a request without a model, with no messages or with invalid
 * limits is answered with HTTP 400 and an OpenAI error body.
 *
 * @author Inferlens
 */
@RestController
@RequestMapping("/simulator/v1")
public class SimulatedModelController {

    private static final int WORDS_PER_CHUNK = 3;

    private static final Pattern WORD = Pattern.compile("\\s*\\S+");

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final GatewayProperties.Simulator simulator;

    private final SimulatedModel model;

    private final JsonMapper jsonMapper;

    private final AtomicInteger activeStreams = new AtomicInteger();

    public SimulatedModelController(GatewayProperties properties, JsonMapper jsonMapper) {
        this.simulator = properties.getSimulator();
        this.model = new SimulatedModel(properties.getModels().getPowerful(), jsonMapper);
        this.jsonMapper = jsonMapper;
    }

    @PostMapping("/chat/completions")
    public @Nullable ResponseEntity<?> complete(@RequestBody JsonNode body, HttpServletResponse servletResponse)
            throws InterruptedException, IOException {
        ChatRequest request = ChatRequest.from(body);
        ResponseEntity<?> failure = simulateLatencyAndFailures(request.model());
        if (failure != null) {
            return failure;
        }
        Reply reply = this.model.reply(request);
        String id = "chatcmpl-" + UUID.randomUUID();
        long created = Instant.now().getEpochSecond();
        if (request.stream()) {
            // Written on the request's thread, as the latency is: one handler answers
            // both shapes, and a ResponseEntity<?> cannot carry a StreamingResponseBody.
            stream(new Chunks(id, created, request.model(), request.includeUsage()), reply, servletResponse);
            return null;
        }
        ObjectNode message = NODES.objectNode().put("role", "assistant").put("content", reply.content());
        message.putNull("refusal");
        if (!reply.toolCalls().isEmpty()) {
            ArrayNode toolCalls = message.putArray("tool_calls");
            reply.toolCalls()
                .forEach((call) -> toolCalls.add(toolCall(null, call.id(), call.name(), call.arguments())));
        }
        ObjectNode choice = NODES.objectNode().put("index", 0);
        choice.set("message", message);
        choice.putNull("logprobs");
        choice.put("finish_reason", reply.finishReason());
        ObjectNode completion = NODES.objectNode()
            .put("id", id)
            .put("object", "chat.completion")
            .put("created", created)
            .put("model", request.model());
        completion.putArray("choices").add(choice);
        completion.set("usage", usage(reply.usage()));
        return ResponseEntity.ok(completion);
    }

    @PostMapping("/embeddings")
    public ResponseEntity<?> embed(@RequestBody JsonNode body) throws InterruptedException {
        EmbeddingRequest request = EmbeddingRequest.from(body);
        ResponseEntity<?> failure = simulateLatencyAndFailures(request.model());
        if (failure != null) {
            return failure;
        }
        ObjectNode response = NODES.objectNode().put("object", "list");
        ArrayNode data = response.putArray("data");
        int tokens = 0;
        for (int i = 0; i < request.inputs().size(); i++) {
            EmbeddingRequest.Input input = request.inputs().get(i);
            float[] vector = request.vector(input);
            ObjectNode embedding = data.addObject().put("object", "embedding").put("index", i);
            if (request.base64()) {
                embedding.put("embedding", EmbeddingRequest.base64(vector));
            }
            else {
                ArrayNode values = embedding.putArray("embedding");
                for (float value : vector) {
                    values.add(value);
                }
            }
            tokens += input.tokens();
        }
        response.put("model", request.model());
        response.putObject("usage").put("prompt_tokens", tokens).put("total_tokens", tokens);
        return ResponseEntity.ok(response);
    }

    @ExceptionHandler
    ResponseEntity<Map<String, Object>> badRequest(BadRequestException ex) {
        return error(HttpStatus.BAD_REQUEST, "invalid_request_error", ex.getMessage(), ex.getParam());
    }

    @ExceptionHandler
    ResponseEntity<Map<String, Object>> unreadableBody(HttpMessageNotReadableException ex) {
        return error(HttpStatus.BAD_REQUEST, "invalid_request_error", "The request body is not valid JSON", null);
    }

    private @Nullable ResponseEntity<?> simulateLatencyAndFailures(String model) throws InterruptedException {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        Duration latency = this.simulator.getLatency();
        if (!latency.isZero()) {
            Thread.sleep((long) (latency.toMillis() * (0.5 + random.nextDouble())));
        }
        if (random.nextDouble() < this.simulator.errorRate(model)) {
            return error(HttpStatus.SERVICE_UNAVAILABLE, "server_error", "The simulated model is overloaded", null);
        }
        return null;
    }

    private void stream(Chunks chunks, Reply reply, HttpServletResponse response)
            throws IOException, InterruptedException {
        List<ObjectNode> deltas = deltas(reply);
        response.setStatus(HttpStatus.OK.value());
        response.setContentType(MediaType.TEXT_EVENT_STREAM_VALUE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setHeader("Cache-Control", "no-cache");
        OutputStream out = response.getOutputStream();
        long pause = this.simulator.getChunkDelay().toMillis();
        int failAfter = this.simulator.getFailStreamsAfter();
        this.activeStreams.incrementAndGet();
        try {
            for (int i = 0; i < deltas.size(); i++) {
                if (i > 0 && pause > 0) {
                    Thread.sleep(pause);
                }
                if (failAfter > 0 && i == failAfter) {
                    // as OpenAI does when a stream fails: an error event, then the end
                    send(out, errorBody("server_error", "The simulated model failed mid-stream"));
                    return;
                }
                send(out, chunks.chunk(deltas.get(i), null));
            }
            send(out, chunks.chunk(NODES.objectNode(), reply.finishReason()));
            if (chunks.includeUsage()) {
                send(out, chunks.usage(usage(reply.usage())));
            }
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
        finally {
            // a client that went away makes the next write fail: the stream stops there
            this.activeStreams.decrementAndGet();
        }
    }

    /**
     * Number of streamed completions being written now.
     * @return the number of streams
     */
    public int activeStreams() {
        return this.activeStreams.get();
    }

    private static ObjectNode errorBody(String type, String message) {
        ObjectNode body = NODES.objectNode();
        body.putObject("error").put("message", message).put("type", type).putNull("param").putNull("code");
        return body;
    }

    /**
     * The deltas of a streamed reply: the role with the first words, then a few words
     * each; or, for tool calls, each call's index, id and name, then its arguments in two
     * halves.
     */
    private static List<ObjectNode> deltas(Reply reply) {
        List<ObjectNode> deltas = new ArrayList<>();
        if (reply.content() != null) {
            Matcher words = WORD.matcher(reply.content());
            StringBuilder piece = new StringBuilder();
            int count = 0;
            int end = 0;
            while (words.find()) {
                piece.append(words.group());
                end = words.end();
                if (++count % WORDS_PER_CHUNK == 0) {
                    deltas.add(NODES.objectNode().put("content", piece.toString()));
                    piece.setLength(0);
                }
            }
            piece.append(reply.content().substring(end));
            if (!piece.isEmpty() || deltas.isEmpty()) {
                deltas.add(NODES.objectNode().put("content", piece.toString()));
            }
        }
        for (int i = 0; i < reply.toolCalls().size(); i++) {
            ToolCall call = reply.toolCalls().get(i);
            int half = call.arguments().length() / 2;
            deltas.add(toolCallDelta(toolCall(i, call.id(), call.name(), "")));
            deltas.add(toolCallDelta(toolCall(i, null, null, call.arguments().substring(0, half))));
            deltas.add(toolCallDelta(toolCall(i, null, null, call.arguments().substring(half))));
        }
        ObjectNode first = NODES.objectNode().put("role", "assistant");
        first.setAll(deltas.get(0));
        deltas.set(0, first);
        return deltas;
    }

    private static ObjectNode toolCallDelta(ObjectNode toolCall) {
        ObjectNode delta = NODES.objectNode();
        delta.putArray("tool_calls").add(toolCall);
        return delta;
    }

    private static ObjectNode toolCall(@Nullable Integer index, @Nullable String id, @Nullable String name,
            String arguments) {
        ObjectNode call = NODES.objectNode();
        if (index != null) {
            call.put("index", index);
        }
        if (id != null) {
            call.put("id", id).put("type", "function");
        }
        ObjectNode function = call.putObject("function");
        if (name != null) {
            function.put("name", name);
        }
        function.put("arguments", arguments);
        return call;
    }

    private void send(OutputStream out, ObjectNode chunk) throws IOException {
        out.write(("data: " + this.jsonMapper.writeValueAsString(chunk) + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static ObjectNode usage(Usage usage) {
        ObjectNode node = NODES.objectNode()
            .put("prompt_tokens", usage.promptTokens())
            .put("completion_tokens", usage.completionTokens())
            .put("total_tokens", usage.totalTokens());
        node.putObject("prompt_tokens_details").put("cached_tokens", usage.cachedTokens());
        node.putObject("completion_tokens_details").put("reasoning_tokens", usage.reasoningTokens());
        return node;
    }

    private static ResponseEntity<Map<String, Object>> error(HttpStatus status, String type, @Nullable String message,
            @Nullable String param) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", message);
        error.put("type", type);
        error.put("param", param);
        error.put("code", null);
        return ResponseEntity.status(status).body(Map.of("error", error));
    }

    /**
     * The chunks of one streamed completion.
     */
    private record Chunks(String id, long created, String model, boolean includeUsage) {

        ObjectNode chunk(ObjectNode delta, @Nullable String finishReason) {
            ObjectNode choice = NODES.objectNode().put("index", 0);
            choice.set("delta", delta);
            choice.putNull("logprobs");
            choice.put("finish_reason", finishReason);
            ObjectNode chunk = start();
            chunk.putArray("choices").add(choice);
            if (this.includeUsage) {
                chunk.putNull("usage");
            }
            return chunk;
        }

        ObjectNode usage(ObjectNode usage) {
            ObjectNode chunk = start();
            chunk.putArray("choices");
            chunk.set("usage", usage);
            return chunk;
        }

        private ObjectNode start() {
            return NODES.objectNode()
                .put("id", this.id)
                .put("object", "chat.completion.chunk")
                .put("created", this.created)
                .put("model", this.model);
        }

    }

}
