package io.inferlens.sample.gateway;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotBlank;

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

        public void setErrorRate(double errorRate) {
            this.errorRate = errorRate;
        }

    }

}
