package io.inferlens.langchain4j;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;

/**
 * A stand-in for an OpenAI-compatible backend: a JDK {@link HttpServer} on
 * {@code 127.0.0.1} and a free port that answers {@code POST /v1/chat/completions} with
 * canned chat completion JSON, or with server-sent chunks when the request asks for a
 * stream, so that LangChain4j's OpenAI models are tested over real HTTP. It is not the
 * backend simulator: that one lives in the sample app, which will be used against it
 * later. The model that answers is the model asked with {@link #RESPONSE_MODEL_SUFFIX};
 * the usage is {@value #INPUT_TOKENS} input tokens ({@value #CACHED_TOKENS} of them
 * cached) and {@value #OUTPUT_TOKENS} output tokens. A complete answer stops
 * ({@code stop}), a streamed one runs out of tokens ({@code length}).
 *
 * @author Inferlens
 */
public final class OpenAiStandIn implements AutoCloseable {

    /**
     * Input tokens of every answer.
     */
    public static final int INPUT_TOKENS = 1200;

    /**
     * Input tokens read from the cache, of every answer.
     */
    public static final int CACHED_TOKENS = 200;

    /**
     * Output tokens of every answer.
     */
    public static final int OUTPUT_TOKENS = 300;

    /**
     * What the answering model adds to the model asked.
     */
    public static final String RESPONSE_MODEL_SUFFIX = "-2026-01";

    private static final Pattern MODEL = Pattern.compile("\"model\"\\s*:\\s*\"([^\"]+)\"");

    private static final Pattern STREAM = Pattern.compile("\"stream\"\\s*:\\s*true");

    private static final String USAGE = "{\"prompt_tokens\":" + INPUT_TOKENS + ",\"completion_tokens\":" + OUTPUT_TOKENS
            + ",\"total_tokens\":" + (INPUT_TOKENS + OUTPUT_TOKENS) + ",\"prompt_tokens_details\":{\"cached_tokens\":"
            + CACHED_TOKENS + "}}";

    private final HttpServer server;

    private final ExecutorService executor = Executors.newFixedThreadPool(2);

    private final AtomicInteger requests = new AtomicInteger();

    private volatile int failureStatus;

    private OpenAiStandIn(HttpServer server) {
        this.server = server;
        server.createContext("/v1/chat/completions", this::handle);
        server.setExecutor(this.executor);
        server.start();
    }

    /**
     * Start a stand-in on a free port of the loopback address.
     * @return the started stand-in
     * @throws IOException if it cannot listen
     */
    public static OpenAiStandIn start() throws IOException {
        return new OpenAiStandIn(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0));
    }

    /**
     * The base URL to give LangChain4j's OpenAI models.
     * @return the URL, ending with {@code /v1}
     */
    public String baseUrl() {
        return "http://127.0.0.1:" + this.server.getAddress().getPort() + "/v1";
    }

    /**
     * Answer every request from now on with the given HTTP error status.
     * @param status the status, such as 500
     */
    public void failWith(int status) {
        this.failureStatus = status;
    }

    /**
     * Number of requests received.
     * @return the number
     */
    public int requests() {
        return this.requests.get();
    }

    @Override
    public void close() {
        this.server.stop(0);
        this.executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        this.requests.incrementAndGet();
        String body;
        try (InputStream in = exchange.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Matcher model = MODEL.matcher(body);
        String responseModel = (model.find() ? model.group(1) : "unknown") + RESPONSE_MODEL_SUFFIX;
        int failure = this.failureStatus;
        if (failure != 0) {
            send(exchange, failure, "application/json",
                    "{\"error\":{\"message\":\"The server had an error\",\"type\":\"server_error\"}}");
        }
        else if (STREAM.matcher(body).find()) {
            stream(exchange, responseModel);
        }
        else {
            send(exchange, 200, "application/json", "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\","
                    + "\"created\":1767225600,\"model\":\"" + responseModel + "\",\"choices\":[{\"index\":0,"
                    + "\"message\":{\"role\":\"assistant\",\"content\":\"Hello there\"},\"finish_reason\":\"stop\"}],"
                    + "\"usage\":" + USAGE + "}");
        }
    }

    private void stream(HttpExchange exchange, String responseModel) throws IOException {
        String chunk = "{\"id\":\"chatcmpl-2\",\"object\":\"chat.completion.chunk\",\"created\":1767225600,"
                + "\"model\":\"" + responseModel + "\",";
        List<String> events = List.of(
                chunk + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hello\"},"
                        + "\"finish_reason\":null}]}",
                chunk + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\" there\"},\"finish_reason\":null}]}",
                chunk + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"length\"}]}",
                chunk + "\"choices\":[],\"usage\":" + USAGE + "}", "[DONE]");
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
            for (String event : events) {
                out.write(("data: " + event + "\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        }
    }

    /**
     * Stream "Hello" from a model.
     * @param model the model
     * @return the complete response, or its error
     */
    public static CompletableFuture<ChatResponse> stream(StreamingChatModel model) {
        CompletableFuture<ChatResponse> response = new CompletableFuture<>();
        model.chat("Hello", new StreamingChatResponseHandler() {

            @Override
            public void onPartialResponse(String partialResponse) {
            }

            @Override
            public void onCompleteResponse(ChatResponse completeResponse) {
                response.complete(completeResponse);
            }

            @Override
            public void onError(Throwable error) {
                response.completeExceptionally(error);
            }

        });
        return response;
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

}
