package io.inferlens.autoconfigure.tracing;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Configuration properties for Inferlens' additions to Spring Boot's OpenTelemetry
 * tracing. The sampler and its probability
 * ({@code management.tracing.sampling.probability},
 * {@code management.opentelemetry.tracing.sampler}), the exporters and the resource
 * attributes ({@code management.opentelemetry.resource-attributes.*}) remain Boot's.
 *
 * @author Inferlens
 */
@ConfigurationProperties(InferlensTracingProperties.PREFIX)
public class InferlensTracingProperties {

    static final String PREFIX = "inferlens.tracing";

    private final Sampling sampling = new Sampling();

    private final Console console = new Console();

    private final Export export = new Export();

    /**
     * Deployment environment, such as production or staging, added to the OpenTelemetry
     * resource as deployment.environment.name unless
     * management.opentelemetry.resource-attributes sets it.
     */
    private @Nullable String environment;

    public Sampling getSampling() {
        return this.sampling;
    }

    public Console getConsole() {
        return this.console;
    }

    public Export getExport() {
        return this.export;
    }

    public @Nullable String getEnvironment() {
        return this.environment;
    }

    public void setEnvironment(@Nullable String environment) {
        this.environment = environment;
    }

    /**
     * Sampling of traces by the name of their root span.
     */
    public static class Sampling {

        /**
         * Rules giving the sampling probability of traces by the name of their root span,
         * the first matching rule applying. A span with a parent is sampled as its parent
         * is; a root span matching no rule is sampled by Boot's sampler.
         */
        private List<Rule> rules = new ArrayList<>();

        public List<Rule> getRules() {
            return this.rules;
        }

        public void setRules(List<Rule> rules) {
            for (int i = 0; i < rules.size(); i++) {
                rules.get(i).validate(PREFIX + ".sampling.rules[" + i + "]");
            }
            this.rules = rules;
        }

    }

    /**
     * A sampling rule.
     */
    public static class Rule {

        /**
         * Span name the rule applies to: exact, or with '*' wildcards matching any
         * characters, such as 'chat *'. Case-sensitive. Matched against the name the span
         * has when it starts: Spring's HTTP server and client spans are then named 'http
         * post', without the route they get later.
         */
        private @Nullable String pattern;

        /**
         * Probability, between 0 and 1, with which a trace whose root span matches is
         * sampled. Decided from the trace id, as
         * management.opentelemetry.tracing.sampler=trace_id_ratio does.
         */
        private @Nullable Double probability;

        public @Nullable String getPattern() {
            return this.pattern;
        }

        public void setPattern(@Nullable String pattern) {
            this.pattern = pattern;
        }

        public @Nullable Double getProbability() {
            return this.probability;
        }

        public void setProbability(@Nullable Double probability) {
            this.probability = probability;
        }

        void validate(String key) {
            if (this.pattern == null || this.pattern.isBlank()) {
                throw new InvalidConfigurationPropertyValueException(key + ".pattern", this.pattern,
                        "A sampling rule needs a span name pattern.");
            }
            if (this.probability == null) {
                throw new InvalidConfigurationPropertyValueException(key + ".probability", null,
                        "A sampling rule needs a probability between 0 and 1.");
            }
            if (!(this.probability >= 0.0 && this.probability <= 1.0)) {
                throw new InvalidConfigurationPropertyValueException(key + ".probability", this.probability,
                        "The probability must be between 0 and 1.");
            }
        }

    }

    /**
     * Console span exporter.
     */
    public static class Console {

        /**
         * Whether finished sampled spans are written, one JSON line each, to the logger
         * io.inferlens.tracing.console at INFO, for development.
         */
        private boolean enabled;

        public boolean isEnabled() {
            return this.enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

    }

    /**
     * What Inferlens does to the spans Boot's batch span processor exports.
     */
    public static class Export {

        /**
         * Whether secrets (bearer tokens, API keys, password and token values) are masked
         * in the exception messages, stack traces and status descriptions of exported
         * spans.
         */
        private boolean maskSecrets = true;

        public boolean isMaskSecrets() {
            return this.maskSecrets;
        }

        public void setMaskSecrets(boolean maskSecrets) {
            this.maskSecrets = maskSecrets;
        }

    }

}
