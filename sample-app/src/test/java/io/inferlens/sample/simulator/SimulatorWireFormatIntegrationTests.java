package io.inferlens.sample.simulator;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The simulated model's wire format over real HTTP, read as raw JSON and server-sent
 * events: the shape OpenAI's clients parse.
 *
 * @author Inferlens
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = { "server.address=127.0.0.1",
        "gateway.simulator.latency=20ms", "gateway.simulator.model-error-rates.sim-broken=1.0" })
class SimulatorWireFormatIntegrationTests {

    private static final String QUESTION = "What is the capital of France?";

    private static final String WEATHER_TOOL = """
            {"type": "function", "function": {"name": "get_weather", "description": "The weather in a city",
              "parameters": {"type": "object", "properties": {"city": {"type": "string"},
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}, "days": {"type": "integer"},
                "hourly": {"type": "boolean"}}, "required": ["city", "unit", "days"]}}}""";

    private final HttpClient http = HttpClient.newHttpClient();

    private final JsonMapper json = JsonMapper.builder().build();

    @LocalServerPort
    private int port;

    @Test
    void completionHasUsageWithCachedPrefixAndNoReasoning() throws Exception {
        HttpResponse<String> response = post("/chat/completions", """
                {"model": "sim-small", "messages": [{"role": "system", "content": "You are terse."},
                  {"role": "user", "content": "%s"}]}""".formatted(QUESTION));
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode completion = this.json.readTree(response.body());
        assertThat(completion.path("object").stringValue()).isEqualTo("chat.completion");
        assertThat(completion.path("id").stringValue()).startsWith("chatcmpl-");
        JsonNode choice = completion.path("choices").get(0);
        assertThat(choice.path("finish_reason").stringValue()).isEqualTo("stop");
        String content = choice.path("message").path("content").stringValue();
        int replyTokens = 12 + Tokens.count(QUESTION) / 2;
        assertThat(content).startsWith("Simulated answer the model");
        assertThat(Tokens.count(content)).isEqualTo(replyTokens);
        assertUsage(completion.path("usage"), message("You are terse.") + message(QUESTION), message("You are terse."),
                replyTokens, 0);
    }

    @Test
    void reasoningModelCountsReasoningTokensInTheCompletionTokens() throws Exception {
        JsonNode completion = this.json.readTree(post("/chat/completions", """
                {"model": "sim-reasoner", "messages": [{"role": "user", "content": "%s"}]}""".formatted(QUESTION))
            .body());
        int replyTokens = 12 + Tokens.count(QUESTION) / 2;
        assertThat(Tokens.count(completion.path("choices").get(0).path("message").path("content").stringValue()))
            .isEqualTo(replyTokens);
        assertUsage(completion.path("usage"), message(QUESTION), 0, 3 * replyTokens, 2 * replyTokens);
    }

    @Test
    void contentAsPartsAndNullContentOfToolCallsAreCounted() throws Exception {
        String arguments = "{\\\"city\\\":\\\"Paris\\\"}";
        JsonNode completion = this.json.readTree(post("/chat/completions",
                """
                        {"model": "sim-small", "max_completion_tokens": 5, "messages": [
                          {"role": "user", "content": [{"type": "text", "text": "Weather"}, {"type": "text", "text": "in Paris?"}]},
                          {"role": "assistant", "content": null, "tool_calls": [{"id": "call_1", "type": "function",
                            "function": {"name": "get_weather", "arguments": "%s"}}]},
                          {"role": "tool", "tool_call_id": "call_1", "content": [{"type": "text", "text": "Sunny, 21 degrees"}]}
                        ]}"""
                    .formatted(arguments))
            .body());
        JsonNode choice = completion.path("choices").get(0);
        assertThat(choice.path("message").path("content").stringValue()).isEqualTo("According to get_weather: Sunny");
        assertThat(choice.path("finish_reason").stringValue()).isEqualTo("length");
        int user = message("Weather\nin Paris?");
        int assistant = message("") + Tokens.count("get_weather") + Tokens.count("{\"city\":\"Paris\"}");
        assertUsage(completion.path("usage"), user + assistant + message("Sunny, 21 degrees"), user + assistant, 5, 0);
    }

    @Test
    void userMessageNamingAToolIsAnsweredWithACallWithArgumentsFromTheSchema() throws Exception {
        JsonNode completion = this.json.readTree(post("/chat/completions", """
                {"model": "sim-small", "tools": [%s],
                  "messages": [{"role": "user", "content": "Please call GET_WEATHER"}]}""".formatted(WEATHER_TOOL))
            .body());
        JsonNode choice = completion.path("choices").get(0);
        assertThat(choice.path("finish_reason").stringValue()).isEqualTo("tool_calls");
        assertThat(choice.path("message").path("content").isNull()).isTrue();
        JsonNode call = choice.path("message").path("tool_calls").get(0);
        assertThat(call.path("id").stringValue()).matches("call_[0-9a-f]{24}");
        assertThat(call.path("type").stringValue()).isEqualTo("function");
        assertThat(call.path("function").path("name").stringValue()).isEqualTo("get_weather");
        String arguments = call.path("function").path("arguments").stringValue();
        assertThat(arguments).isEqualTo("{\"city\":\"Paris\",\"unit\":\"celsius\",\"days\":1}");
        assertUsage(completion.path("usage"), message("Please call GET_WEATHER"), 0,
                Tokens.count("get_weather") + Tokens.count(arguments), 0);
    }

    @Test
    void toolChoiceNoneAnswersWithText() throws Exception {
        JsonNode completion = this.json.readTree(post("/chat/completions", """
                {"model": "sim-small", "tools": [%s], "tool_choice": "none",
                  "messages": [{"role": "user", "content": "Call get_weather"}]}""".formatted(WEATHER_TOOL)).body());
        assertThat(completion.path("choices").get(0).path("finish_reason").stringValue()).isEqualTo("stop");
        assertThat(completion.path("choices").get(0).path("message").has("tool_calls")).isFalse();
    }

    @Test
    void streamIsChunksThenFinishReasonThenDoneWithoutUsageUnlessAsked() throws Exception {
        Events stream = stream("""
                {"model": "sim-small", "stream": true, "messages": [{"role": "user", "content": "%s"}]}"""
            .formatted(QUESTION));
        assertThat(stream.contentType()).startsWith("text/event-stream");
        assertThat(stream.data()).last().isEqualTo("[DONE]");
        List<JsonNode> chunks = stream.chunks();
        assertThat(chunks).hasSizeGreaterThan(3)
            .allSatisfy((chunk) -> assertThat(chunk.path("object").stringValue()).isEqualTo("chat.completion.chunk"))
            .allSatisfy((chunk) -> assertThat(chunk.path("id").stringValue())
                .isEqualTo(chunks.get(0).path("id").stringValue()))
            .allSatisfy((chunk) -> assertThat(chunk.path("usage").isMissingNode()).isTrue());
        assertThat(chunks.get(0).path("choices").get(0).path("delta").path("role").stringValue())
            .isEqualTo("assistant");
        JsonNode last = chunks.get(chunks.size() - 1).path("choices").get(0);
        assertThat(last.path("finish_reason").stringValue()).isEqualTo("stop");
        assertThat(last.path("delta").isEmpty()).isTrue();
        assertThat(chunks.subList(0, chunks.size() - 1))
            .allSatisfy((chunk) -> assertThat(chunk.path("choices").get(0).path("finish_reason").isNull()).isTrue());
        String text = content(chunks);
        assertThat(text).startsWith("Simulated answer the model");
        assertThat(Tokens.count(text)).isEqualTo(12 + Tokens.count(QUESTION) / 2);
    }

    @Test
    void streamWithIncludeUsageEndsWithAUsageChunkWithNoChoices() throws Exception {
        Events stream = stream("""
                {"model": "sim-reasoner", "stream": true, "stream_options": {"include_usage": true},
                  "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "%s"}]}"""
            .formatted(QUESTION));
        assertThat(stream.data()).last().isEqualTo("[DONE]");
        List<JsonNode> chunks = stream.chunks();
        JsonNode usageChunk = chunks.get(chunks.size() - 1);
        assertThat(usageChunk.path("choices").isArray()).isTrue();
        assertThat(usageChunk.path("choices").isEmpty()).isTrue();
        int replyTokens = 12 + Tokens.count(QUESTION) / 2;
        assertUsage(usageChunk.path("usage"), message("Be brief.") + message(QUESTION), message("Be brief."),
                3 * replyTokens, 2 * replyTokens);
        List<JsonNode> choiceChunks = chunks.subList(0, chunks.size() - 1);
        assertThat(choiceChunks).allSatisfy((chunk) -> assertThat(chunk.path("usage").isNull()).isTrue())
            .last()
            .satisfies((chunk) -> assertThat(chunk.path("choices").get(0).path("finish_reason").stringValue())
                .isEqualTo("stop"));
        assertThat(Tokens.count(content(choiceChunks))).isEqualTo(replyTokens);
    }

    @Test
    void firstChunkComesBeforeTheStreamEndsByTheChunkDelayPerChunk() throws Exception {
        Events stream = stream("""
                {"model": "sim-large", "stream": true, "messages": [{"role": "user", "content": "Explain it"}]}""");
        int contentChunks = stream.chunks().size() - 1;
        assertThat(contentChunks).isGreaterThan(10);
        Duration timeToFirstChunk = Duration.ofNanos(stream.firstNanos() - stream.startNanos());
        Duration firstToLast = Duration.ofNanos(stream.lastNanos() - stream.firstNanos());
        // The first chunk comes after half to one and a half times the 20ms latency, each
        // further one gateway.simulator.chunk-delay (10ms) later.
        assertThat(timeToFirstChunk).isGreaterThanOrEqualTo(Duration.ofMillis(10));
        assertThat(firstToLast).isGreaterThanOrEqualTo(Duration.ofMillis(10L * (contentChunks - 1)));
    }

    @Test
    void streamedToolCallCarriesIdAndNameFirstThenTheArgumentsInPieces() throws Exception {
        Events stream = stream("""
                {"model": "sim-small", "stream": true, "stream_options": {"include_usage": true}, "tools": [%s],
                  "messages": [{"role": "user", "content": "What does get_weather say?"}]}""".formatted(WEATHER_TOOL));
        List<JsonNode> chunks = stream.chunks();
        List<JsonNode> calls = new ArrayList<>();
        for (JsonNode chunk : chunks.subList(0, chunks.size() - 2)) {
            calls.add(chunk.path("choices").get(0).path("delta").path("tool_calls").get(0));
        }
        JsonNode first = calls.get(0);
        assertThat(first.path("index").intValue()).isZero();
        assertThat(first.path("id").stringValue()).matches("call_[0-9a-f]{24}");
        assertThat(first.path("type").stringValue()).isEqualTo("function");
        assertThat(first.path("function").path("name").stringValue()).isEqualTo("get_weather");
        assertThat(first.path("function").path("arguments").stringValue()).isEmpty();
        assertThat(calls.subList(1, calls.size())).hasSize(2)
            .allSatisfy((call) -> assertThat(call.path("index").intValue()).isZero())
            .allSatisfy((call) -> assertThat(call.has("id")).isFalse());
        String arguments = calls.stream()
            .map((call) -> call.path("function").path("arguments").stringValue())
            .collect(Collectors.joining());
        assertThat(arguments).isEqualTo("{\"city\":\"Paris\",\"unit\":\"celsius\",\"days\":1}");
        assertThat(chunks.get(chunks.size() - 2).path("choices").get(0).path("finish_reason").stringValue())
            .isEqualTo("tool_calls");
        assertUsage(chunks.get(chunks.size() - 1).path("usage"), message("What does get_weather say?"), 0,
                Tokens.count("get_weather") + Tokens.count(arguments), 0);
    }

    @Test
    void failingModelAnswers503WithAnOpenAiErrorAlsoWhenStreaming() throws Exception {
        for (String stream : List.of("false", "true")) {
            HttpResponse<String> response = post("/chat/completions", """
                    {"model": "sim-broken", "stream": %s, "messages": [{"role": "user", "content": "Hi"}]}"""
                .formatted(stream));
            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying((type) -> assertThat(type).startsWith("application/json"));
            assertThat(this.json.readTree(response.body()).path("error").path("type").stringValue())
                .isEqualTo("server_error");
        }
    }

    @Test
    void requestWithoutMessagesIsRejectedWith400() throws Exception {
        HttpResponse<String> response = post("/chat/completions", "{\"model\": \"sim-small\", \"messages\": []}");
        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = this.json.readTree(response.body()).path("error");
        assertThat(error.path("type").stringValue()).isEqualTo("invalid_request_error");
        assertThat(error.path("param").stringValue()).isEqualTo("messages");
    }

    @Test
    void embeddingsAreDeterministicUnitVectorsWithTokenUsage() throws Exception {
        JsonNode response = this.json.readTree(post("/embeddings", """
                {"model": "sim-embed", "input": ["Hello world!", "Good bye", "Hello world!"]}""").body());
        assertThat(response.path("object").stringValue()).isEqualTo("list");
        assertThat(response.path("model").stringValue()).isEqualTo("sim-embed");
        JsonNode data = response.path("data");
        assertThat(data).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(data.get(i).path("object").stringValue()).isEqualTo("embedding");
            assertThat(data.get(i).path("index").intValue()).isEqualTo(i);
            assertThat(norm(floats(data.get(i).path("embedding")))).isCloseTo(1.0, within(1e-5));
        }
        assertThat(floats(data.get(0).path("embedding"))).hasSize(8)
            .isEqualTo(floats(data.get(2).path("embedding")))
            .isNotEqualTo(floats(data.get(1).path("embedding")));
        int tokens = 2 * Tokens.count("Hello world!") + Tokens.count("Good bye");
        assertThat(response.path("usage").path("prompt_tokens").intValue()).isEqualTo(tokens);
        assertThat(response.path("usage").path("total_tokens").intValue()).isEqualTo(tokens);
    }

    @Test
    void base64EmbeddingIsTheLittleEndianFloat32OfTheFloatOne() throws Exception {
        JsonNode floats = this.json.readTree(post("/embeddings", """
                {"model": "sim-embed", "input": "Hello world!", "dimensions": 16}""").body());
        JsonNode base64 = this.json.readTree(post("/embeddings", """
                {"model": "sim-embed", "input": "Hello world!", "dimensions": 16, "encoding_format": "base64"}""")
            .body());
        ByteBuffer bytes = ByteBuffer
            .wrap(Base64.getDecoder().decode(base64.path("data").get(0).path("embedding").stringValue()))
            .order(ByteOrder.LITTLE_ENDIAN);
        float[] decoded = new float[bytes.remaining() / Float.BYTES];
        bytes.asFloatBuffer().get(decoded);
        assertThat(decoded).hasSize(16).isEqualTo(floats(floats.path("data").get(0).path("embedding")));
        assertThat(base64.path("usage").path("prompt_tokens").intValue()).isEqualTo(Tokens.count("Hello world!"));
    }

    @Test
    void tokenArraysAreEmbeddedAndCountedByLength() throws Exception {
        JsonNode response = this.json
            .readTree(post("/embeddings", "{\"model\": \"sim-embed\", \"input\": [[1, 2, 3], [4, 5]]}").body());
        assertThat(response.path("data")).hasSize(2);
        assertThat(response.path("usage").path("prompt_tokens").intValue()).isEqualTo(5);
    }

    private static int message(String text) {
        return Tokens.count(text) + Tokens.PER_MESSAGE_OVERHEAD;
    }

    private static void assertUsage(JsonNode usage, int prompt, int cached, int completion, int reasoning) {
        assertThat(usage.path("prompt_tokens").intValue()).isEqualTo(prompt);
        assertThat(usage.path("completion_tokens").intValue()).isEqualTo(completion);
        assertThat(usage.path("total_tokens").intValue()).isEqualTo(prompt + completion);
        assertThat(usage.path("prompt_tokens_details").path("cached_tokens").intValue()).isEqualTo(cached);
        assertThat(usage.path("completion_tokens_details").path("reasoning_tokens").intValue()).isEqualTo(reasoning);
    }

    private static String content(List<JsonNode> chunks) {
        return chunks.stream()
            .map((chunk) -> chunk.path("choices").get(0).path("delta").path("content").stringValue(""))
            .collect(Collectors.joining());
    }

    private static float[] floats(JsonNode array) {
        float[] values = new float[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).floatValue();
        }
        return values;
    }

    private static double norm(float[] vector) {
        double sum = 0;
        for (float value : vector) {
            sum += value * value;
        }
        return Math.sqrt(sum);
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return this.http.send(request(path, body), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest request(String path, String body) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/simulator/v1" + path))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer simulated")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    }

    /**
     * Reads a stream of server-sent events line by line, noting when each event came.
     */
    private Events stream(String body) throws Exception {
        long start = System.nanoTime();
        HttpResponse<Stream<String>> response = this.http.send(request("/chat/completions", body),
                HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        List<String> data = new ArrayList<>();
        List<Long> arrivals = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        response.body().forEach((line) -> {
            lines.add(line);
            if (line.startsWith("data: ")) {
                data.add(line.substring("data: ".length()));
                arrivals.add(System.nanoTime());
            }
        });
        // Every event is one data line followed by an empty line.
        assertThat(lines).hasSize(2 * data.size());
        for (int i = 0; i < lines.size(); i += 2) {
            assertThat(lines.get(i)).startsWith("data: ");
            assertThat(lines.get(i + 1)).isEmpty();
        }
        List<JsonNode> chunks = data.stream()
            .filter((line) -> !line.equals("[DONE]"))
            .map(this.json::readTree)
            .toList();
        return new Events(response.headers().firstValue("Content-Type").orElse(""), data, chunks, start,
                arrivals.get(0), arrivals.get(arrivals.size() - 2));
    }

    /**
     * A stream as received.
     *
     * @param contentType its content type
     * @param data the data of each event
     * @param chunks the JSON chunks, {@code [DONE]} left out
     * @param startNanos when the request was sent
     * @param firstNanos when the first event came
     * @param lastNanos when the last chunk came
     */
    private record Events(String contentType, List<String> data, List<JsonNode> chunks, long startNanos,
            long firstNanos, long lastNanos) {

    }

}
