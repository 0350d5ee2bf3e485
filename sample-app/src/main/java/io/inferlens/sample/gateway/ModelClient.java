package io.inferlens.sample.gateway;

import java.net.http.HttpClient;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import io.inferlens.annotation.InferenceModel;
import io.inferlens.annotation.TracedInference;
import io.netty.channel.ChannelOption;
import io.netty.handler.timeout.ReadTimeoutException;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SynchronousSink;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.stereotype.Component;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;
import org.springframework.web.client.RestClientResponseException;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;

/**
 * Calls an OpenAI-compatible chat completions endpoint over HTTP, each model behind its
 * own Resilience4j circuit breaker. The call is a {@link TracedInference
 * &#64;TracedInference}: a GenAI {@code chat} span with the tokens and finish reasons of
 * the response, the GenAI histograms and its cost. The {@link RestClient} is built from
 * Boot's {@link RestClient.Builder}, so the HTTP request is a child span and carries the
 * trace context to the backend.
 * <p>
 * Streamed completions go through a {@link WebClient} from Boot's
 * {@link WebClient.Builder}, over Reactor Netty: a {@code Flux} of the backend's chunks,
 * observed by {@code @TracedInference} from subscription to its end, error or
 * cancellation. Cancelling it (a client that went away) closes the backend connection.
 *
 * @author Inferlens
 */
@Component
public class ModelClient {

    private static final ParameterizedTypeReference<ServerSentEvent<String>> EVENTS = new ParameterizedTypeReference<>() {
    };

    private final RestClient restClient;

    private final WebClient webClient;

    private final JsonMapper jsonMapper;

    private final GatewayProperties.Backend backend;

    private final Environment environment;

    private final CircuitBreakerRegistry circuitBreakers;

    private volatile String baseUrl;

    public ModelClient(RestClient.Builder builder, WebClient.Builder webClientBuilder, JsonMapper jsonMapper,
            GatewayProperties properties, Environment environment, CircuitBreakerRegistry circuitBreakers) {
        this.backend = properties.getBackend();
        this.environment = environment;
        this.circuitBreakers = circuitBreakers;
        HttpClient httpClient = HttpClient.newBuilder().connectTimeout(this.backend.getTimeout()).build();
        JdkClientHttpRequestFactory requestFactory = new JdkClientHttpRequestFactory(httpClient);
        requestFactory.setReadTimeout(this.backend.getTimeout());
        this.restClient = builder.requestFactory(requestFactory).build();
        // the timeout bounds the wait for each read, not the whole stream
        reactor.netty.http.client.HttpClient streamingClient = reactor.netty.http.client.HttpClient.create()
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) this.backend.getTimeout().toMillis())
            .responseTimeout(this.backend.getTimeout());
        this.webClient = webClientBuilder.clientConnector(new ReactorClientHttpConnector(streamingClient)).build();
        this.jsonMapper = jsonMapper;
    }

    /**
     * Stream a completion from the backend, through the model's circuit breaker: the
     * chunks as the backend sends them, until its {@code [DONE]}. A failure before the
     * first chunk (the backend unreachable or answering with an error status, the circuit
     * open) is the stream's error; so is an error event in the stream or a stream that
     * ends without {@code [DONE]}.
     * @param request the request, addressed to a concrete model, with
     * {@code stream_options.include_usage}
     * @return the chunks, requested from the backend on subscription
     */
    @TracedInference(operation = "chat", provider = "openai")
    public Flux<ChatCompletionChunk> stream(@InferenceModel ChatCompletionRequest request) {
        return Flux.defer(() -> {
            AtomicBoolean done = new AtomicBoolean();
            return this.webClient.post()
                .uri(baseUrl() + "/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .accept(MediaType.TEXT_EVENT_STREAM)
                .headers((headers) -> {
                    if (!this.backend.getApiKey().isBlank()) {
                        headers.setBearerAuth(this.backend.getApiKey());
                    }
                })
                .bodyValue(request)
                .retrieve()
                .onStatus(HttpStatusCode::isError,
                        (response) -> response.releaseBody()
                            .then(Mono.error(new BackendException(
                                    "The model backend answered HTTP " + response.statusCode().value(),
                                    response.statusCode().value(), null))))
                .bodyToFlux(EVENTS)
                .<ChatCompletionChunk>handle((event, sink) -> {
                    String data = event.data();
                    if (data == null || data.isBlank()) {
                        return;
                    }
                    if (data.strip().equals("[DONE]")) {
                        done.set(true);
                        sink.complete();
                        return;
                    }
                    ChatCompletionChunk chunk = chunk(data, sink);
                    if (chunk != null) {
                        sink.next(chunk);
                    }
                })
                .concatWith(Mono.defer(() -> done.get() ? Mono.empty()
                        : Mono
                            .error(new BackendException("The model backend ended the stream before [DONE]", 0, null))))
                // before the circuit breaker, which counts BackendExceptions only as
                // failures
                .onErrorMap(WebClientRequestException.class,
                        (ex) -> new BackendException("The model backend could not be reached", 0, ex))
                .onErrorMap(ReadTimeoutException.class,
                        (ex) -> new BackendException("The model backend stopped sending the stream", 0, ex))
                .onErrorMap((ex) -> !(ex instanceof BackendException),
                        (ex) -> new BackendException("The model backend's stream broke off", 0, ex));
        })
            .transformDeferred(CircuitBreakerOperator.of(this.circuitBreakers.circuitBreaker(request.model())))
            .onErrorMap(CallNotPermittedException.class, (ex) -> new ModelUnavailableException(request.model()));
    }

    private @Nullable ChatCompletionChunk chunk(String data, SynchronousSink<ChatCompletionChunk> sink) {
        JsonNode node;
        try {
            node = this.jsonMapper.readTree(data);
        }
        catch (JacksonException ex) {
            sink.error(new BackendException("The model backend sent a chunk that is not JSON", 0, null));
            return null;
        }
        JsonNode error = node.get("error");
        if (error != null && error.isObject()) {
            // No message: the backend's may echo the prompt, and would reach span events.
            JsonNode type = error.get("type");
            sink.error(new BackendException("The model backend failed mid-stream"
                    + ((type != null && type.isString()) ? " (" + type.asString() + ")" : ""), 0, null));
            return null;
        }
        try {
            return this.jsonMapper.treeToValue(node, ChatCompletionChunk.class);
        }
        catch (JacksonException ex) {
            sink.error(new BackendException("The model backend sent a chunk that is not a chat completion chunk", 0,
                    null));
            return null;
        }
    }

    /**
     * Get a completion from the backend, through the model's circuit breaker.
     * @param request the request, addressed to a concrete model
     * @return the completion
     * @throws BackendException if the backend cannot be reached or answers with an error
     * @throws ModelUnavailableException if the model's circuit is open
     */
    @TracedInference(operation = "chat", provider = "openai")
    public ChatCompletionResponse complete(@InferenceModel ChatCompletionRequest request) {
        try {
            return this.circuitBreakers.circuitBreaker(request.model()).executeSupplier(() -> call(request));
        }
        catch (CallNotPermittedException ex) {
            throw new ModelUnavailableException(request.model());
        }
    }

    private ChatCompletionResponse call(ChatCompletionRequest request) {
        ChatCompletionResponse response;
        try {
            response = this.restClient.post()
                .uri(baseUrl() + "/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .headers((headers) -> {
                    if (!this.backend.getApiKey().isBlank()) {
                        headers.setBearerAuth(this.backend.getApiKey());
                    }
                })
                .body(request)
                .retrieve()
                .body(ChatCompletionResponse.class);
        }
        catch (RestClientResponseException ex) {
            // No cause: the backend's body may echo the prompt, and would reach span
            // events.
            throw new BackendException("The model backend answered HTTP " + ex.getStatusCode().value(),
                    ex.getStatusCode().value(), null);
        }
        catch (ResourceAccessException ex) {
            throw new BackendException("The model backend could not be reached", 0, ex);
        }
        catch (RestClientException ex) {
            throw new BackendException("The model backend sent an answer that is not a chat completion", 0, null);
        }
        if (response == null || response.choices() == null || response.choices().isEmpty()) {
            throw new BackendException("The model backend sent an empty answer", 0, null);
        }
        return response;
    }

    private String baseUrl() {
        String url = this.baseUrl;
        if (url == null) {
            url = this.backend.getUrl().isBlank() ? simulatorUrl() : this.backend.getUrl().replaceAll("/+$", "");
            this.baseUrl = url;
        }
        return url;
    }

    private String simulatorUrl() {
        String address = this.environment.getProperty("server.address", "127.0.0.1");
        if (address.equals("0.0.0.0") || address.equals("::")) {
            address = "127.0.0.1";
        }
        else if (address.contains(":")) {
            address = "[" + address + "]";
        }
        String scheme = this.environment.getProperty("server.ssl.enabled", Boolean.class, false) ? "https" : "http";
        String contextPath = this.environment.getProperty("server.servlet.context-path", "").replaceAll("/+$", "");
        return scheme + "://" + address + ":" + this.environment.getRequiredProperty("local.server.port") + contextPath
                + "/simulator";
    }

}
