package io.inferlens.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.inferlens.circuitbreaker.TransitionListener;
import io.inferlens.errors.ErrorClassifier;
import io.inferlens.errors.ErrorReporter;
import io.inferlens.inference.TokenUsageExtractor;
import io.inferlens.traced.SlowCallPolicy;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;
import org.springframework.boot.micrometer.tracing.test.autoconfigure.AutoConfigureTracing;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample gateway with every extension point Inferlens calls during a request replaced
 * by one that throws: a token-usage extractor and a routing-decision extractor consulted
 * first, the error classifier, an error reporter, the slow-call policy and the
 * circuit-breaker transition listener. Over real HTTP, chat requests are still answered
 * as they would be without them (200, then the gateway's own 502 and 503 when a model
 * fails and its breaker opens), and the built-in extractors still record token usage
 * after the throwing one. Each failure is logged, not thrown to the caller.
 *
 * @author Inferlens
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "server.address=127.0.0.1", "gateway.simulator.latency=0ms", "gateway.cache.size=0",
                "gateway.simulator.model-error-rates.sim-large=1.0" })
@AutoConfigureTracing
@AutoConfigureMetrics
@ExtendWith(OutputCaptureExtension.class)
class GatewayFailingExtensionsIntegrationTests {

    private static final Set<String> called = ConcurrentHashMap.newKeySet();

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    private int port;

    @Autowired
    private MeterRegistry meterRegistry;

    @Test
    void throwingExtensionsNeverChangeWhatTheCallerGets(CapturedOutput output) throws Exception {
        for (int i = 0; i < 5; i++) {
            // A short question: the router picks sim-small.
            assertThat(chat("auto", "Hello").statusCode()).isEqualTo(200);
            assertThat(chat("sim-small").statusCode()).isEqualTo(200);
        }
        // sim-large always fails: the gateway's 502 until its breaker opens, then 503.
        assertThat(chat("sim-large").statusCode()).isEqualTo(502);
        int status = 502;
        for (int i = 0; i < 20 && status == 502; i++) {
            status = chat("sim-large").statusCode();
        }
        assertThat(status).isEqualTo(503);
        assertThat(chat("sim-small").statusCode()).isEqualTo(200);
        // Every extension was called, and threw.
        assertThat(called).containsExactlyInAnyOrder("token usage extractor", "error classifier", "error reporter",
                "slow call policy", "transition listener");
        // The built-in extractors ran after the throwing one.
        assertThat(this.meterRegistry.find("gen_ai.client.token.usage")
            .tag("gen_ai.request.model", "sim-small")
            .summaries()).isNotEmpty().allSatisfy((usage) -> assertThat(usage.totalAmount()).isPositive());
        assertThat(output.getAll()).contains("extension failure");
    }

    private HttpResponse<String> chat(String model) throws Exception {
        return chat(model, "Explain step by step why the sky is blue");
    }

    private HttpResponse<String> chat(String model, String question) throws Exception {
        return this.http
            .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model
                        + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + question + "\"}]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static RuntimeException failure(String what) {
        called.add(what);
        return new IllegalStateException("extension failure: " + what);
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class ThrowingExtensions {

        @Bean
        @Order(Ordered.HIGHEST_PRECEDENCE)
        TokenUsageExtractor throwingTokenUsageExtractor() {
            return (result) -> {
                throw failure("token usage extractor");
            };
        }

        @Bean
        ErrorClassifier throwingErrorClassifier() {
            return (error) -> {
                throw failure("error classifier");
            };
        }

        @Bean
        ErrorReporter throwingErrorReporter() {
            return (error) -> {
                throw failure("error reporter");
            };
        }

        @Bean
        SlowCallPolicy throwingSlowCallPolicy() {
            return (operation) -> {
                throw failure("slow call policy");
            };
        }

        @Bean
        TransitionListener throwingTransitionListener() {
            return (name, from, to) -> {
                throw failure("transition listener");
            };
        }

    }

}
