package io.inferlens.sample.gateway;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.PositiveOrZero;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Configuration of the sample gateway.
 *
 * @author Inferlens
 */
@Validated
@ConfigurationProperties("gateway")
public class GatewayProperties {

    @Valid
    private final Models models = new Models();

    @Valid
    private final Router router = new Router();

    @Valid
    private final Backend backend = new Backend();

    @Valid
    private final Simulator simulator = new Simulator();

    @Valid
    private final CircuitBreaker circuitBreaker = new CircuitBreaker();

    @Valid
    private final Cache cache = new Cache();

    public Models getModels() {
        return this.models;
    }

    public Router getRouter() {
        return this.router;
    }

    public Backend getBackend() {
        return this.backend;
    }

    public Simulator getSimulator() {
        return this.simulator;
    }

    public CircuitBreaker getCircuitBreaker() {
        return this.circuitBreaker;
    }

    public Cache getCache() {
        return this.cache;
    }

    public static class CircuitBreaker {

        /**
         * Percentage of failed backend calls, among the last sliding-window-size, at or
         * above which a model's circuit opens.
         */
        @DecimalMin("1.0")
        @DecimalMax("100.0")
        private float failureRateThreshold = 50;

        /**
         * Number of backend calls over which the failure rate is computed; also the
         * minimum number of calls before a circuit may open.
         */
        @Min(1)
        private int slidingWindowSize = 10;

        /**
         * How long an open circuit rejects calls before letting a few through.
         */
        private Duration waitInOpenState = Duration.ofSeconds(10);

        public float getFailureRateThreshold() {
            return this.failureRateThreshold;
        }

        public void setFailureRateThreshold(float failureRateThreshold) {
            this.failureRateThreshold = failureRateThreshold;
        }

        public int getSlidingWindowSize() {
            return this.slidingWindowSize;
        }

        public void setSlidingWindowSize(int slidingWindowSize) {
            this.slidingWindowSize = slidingWindowSize;
        }

        public Duration getWaitInOpenState() {
            return this.waitInOpenState;
        }

        public void setWaitInOpenState(Duration waitInOpenState) {
            if (waitInOpenState.isNegative() || waitInOpenState.isZero()) {
                throw new IllegalArgumentException(
                        "gateway.circuit-breaker.wait-in-open-state must be positive, was " + waitInOpenState);
            }
            this.waitInOpenState = waitInOpenState;
        }

    }

    public static class Cache {

        /**
         * Number of completions kept for repeated prompts; 0 disables the cache.
         */
        @Min(0)
        private int size = 256;

        public int getSize() {
            return this.size;
        }

        public void setSize(int size) {
            this.size = size;
        }

    }

    public static class Models {

        /**
         * Model chosen for simple requests.
         */
        @NotBlank
        private String lightweight = "sim-small";

        /**
         * Model chosen for complex requests.
         */
        @NotBlank
        private String powerful = "sim-large";

        public String getLightweight() {
            return this.lightweight;
        }

        public void setLightweight(String lightweight) {
            this.lightweight = lightweight;
        }

        public String getPowerful() {
            return this.powerful;
        }

        public void setPowerful(String powerful) {
            this.powerful = powerful;
        }

    }

    public static class Router {

        /**
         * Complexity score, from 0 to 1, at or above which the powerful model is chosen.
         */
        @DecimalMin("0.0")
        @DecimalMax("1.0")
        private double threshold = 0.5;

        public double getThreshold() {
            return this.threshold;
        }

        public void setThreshold(double threshold) {
            this.threshold = threshold;
        }

    }

    public static class Backend {

        /**
         * Base URL of the OpenAI-compatible backend, without "/v1". When empty, the
         * simulated model served by this application is used.
         */
        private String url = "";

        /**
         * API key sent to the backend as a bearer token. Never logged.
         */
        private String apiKey = "";

        /**
         * Timeout of a backend call.
         */
        private Duration timeout = Duration.ofSeconds(30);

        public String getUrl() {
            return this.url;
        }

        public void setUrl(String url) {
            if (!url.isBlank() && !isHttpUrl(url.trim())) {
                throw new IllegalArgumentException(
                        "gateway.backend.url must be an absolute http(s) URL, was '" + url + "'");
            }
            this.url = url.trim();
        }

        private static boolean isHttpUrl(String url) {
            try {
                URI uri = new URI(url);
                return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
            }
            catch (URISyntaxException ex) {
                return false;
            }
        }

        public String getApiKey() {
            return this.apiKey;
        }

        public void setApiKey(String apiKey) {
            this.apiKey = apiKey;
        }

        public Duration getTimeout() {
            return this.timeout;
        }

        public void setTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("gateway.backend.timeout must be positive, was " + timeout);
            }
            this.timeout = timeout;
        }

    }

    public static class Simulator {

        /**
         * Mean latency of a simulated completion; each call takes between half and one
         * and a half times this.
         */
        private Duration latency = Duration.ofMillis(40);

        /**
         * Fraction of simulated completions, from 0 to 1, that fail with HTTP 503.
         */
        @DecimalMin("0.0")
        @DecimalMax("1.0")
        private double errorRate = 0.0;

        /**
         * Fraction of simulated completions that fail with HTTP 503, by model, in place
         * of error-rate for those models.
         */
        private final Map<String, @DecimalMin("0.0") @DecimalMax("1.0") Double> modelErrorRates = new LinkedHashMap<>();

        /**
         * Pause between the chunks of a streamed completion.
         */
        private Duration chunkDelay = Duration.ofMillis(10);

        /**
         * Number of chunks after which a streamed completion fails with an error event
         * and ends without "[DONE]", or 0 for never.
         */
        @PositiveOrZero
        private int failStreamsAfter = 0;

        public Duration getLatency() {
            return this.latency;
        }

        public void setLatency(Duration latency) {
            if (latency.isNegative()) {
                throw new IllegalArgumentException("gateway.simulator.latency must not be negative, was " + latency);
            }
            this.latency = latency;
        }

        public double getErrorRate() {
            return this.errorRate;
        }

        public Duration getChunkDelay() {
            return this.chunkDelay;
        }

        public void setChunkDelay(Duration chunkDelay) {
            if (chunkDelay.isNegative()) {
                throw new IllegalArgumentException(
                        "gateway.simulator.chunk-delay must not be negative, was " + chunkDelay);
            }
            this.chunkDelay = chunkDelay;
        }

        public int getFailStreamsAfter() {
            return this.failStreamsAfter;
        }

        public void setFailStreamsAfter(int failStreamsAfter) {
            this.failStreamsAfter = failStreamsAfter;
        }

        public void setErrorRate(double errorRate) {
            this.errorRate = errorRate;
        }

        public Map<String, Double> getModelErrorRates() {
            return this.modelErrorRates;
        }

        /**
         * Fraction of the given model's completions that fail.
         * @param model the model
         * @return the error rate
         */
        public double errorRate(String model) {
            return this.modelErrorRates.getOrDefault(model, this.errorRate);
        }

    }

}
