package io.inferlens.sample.gateway;

import java.net.http.HttpClient;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.inferlens.annotation.InferenceModel;
import io.inferlens.annotation.TracedInference;

import org.springframework.core.env.Environment;
import org.springframework.http.MediaType;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClientException;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientResponseException;

/**
 * Calls an OpenAI-compatible chat completions endpoint over HTTP, each model behind its
 * own Resilience4j circuit breaker. The call is a {@link TracedInference
 * &#64;TracedInference}: a GenAI {@code chat} span with the tokens and finish reasons of
 * the response, the GenAI histograms and its cost. The {@link RestClient} is built from
 * Boot's {@link RestClient.Builder}, so the HTTP request is a child span and carries the
 * trace context to the backend.
 *
 * @author Inferlens
 */
@Component
public class ModelClient {

    private final RestClient restClient;

    private final GatewayProperties.Backend backend;

    private final Environment environment;

    private final CircuitBreakerRegistry circuitBreakers;

    private volatile String baseUrl;

    public ModelClient(RestClient.Builder builder, GatewayProperties properties, Environment environment,
            CircuitBreakerRegistry circuitBreakers) {
        this.backend = properties.getBackend();
        this.environment = environment;
        this.circuitBreakers = circuitBreakers;
        HttpClient httpClient = HttpClient.newBuilder().connectTimeout(this.backend.getTimeout()).build();
        JdkClientHttpRequestFactory requestFactory = new JdkClientHttpRequestFactory(httpClient);
        requestFactory.setReadTimeout(this.backend.getTimeout());
        this.restClient = builder.requestFactory(requestFactory).build();
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
