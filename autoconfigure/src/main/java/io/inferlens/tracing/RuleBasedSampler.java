package io.inferlens.tracing;

import java.util.List;
import java.util.StringJoiner;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;

/**
 * A parent-based {@link Sampler} whose decision for trace starts depends on the name of
 * the root span: the first {@link SamplingRule} whose pattern matches it gives the
 * probability, applied to the trace id like {@link Sampler#traceIdRatioBased(double)}
 * (the same trace id always gets the same decision); a root span matching no rule is left
 * to a delegate, typically the sampler Spring Boot configured. A span with a valid
 * parent, remote or local, is sampled exactly when its parent is, whatever the rules say:
 * rules decide whether a trace is started, they cannot drop or add a span within a trace,
 * which would leave the trace with holes.
 *
 * @author Inferlens
 */
public final class RuleBasedSampler implements Sampler {

    private final SamplingRule[] rules;

    private final Sampler[] ruleSamplers;

    private final Sampler delegate;

    private final String description;

    /**
     * Create a sampler.
     * @param rules the rules, the first matching one applying
     * @param delegate the sampler of root spans that match no rule
     */
    public RuleBasedSampler(List<SamplingRule> rules, Sampler delegate) {
        this.rules = rules.toArray(new SamplingRule[0]);
        this.ruleSamplers = new Sampler[this.rules.length];
        for (int i = 0; i < this.rules.length; i++) {
            this.ruleSamplers[i] = Sampler.traceIdRatioBased(this.rules[i].probability());
        }
        this.delegate = delegate;
        StringJoiner ruleDescriptions = new StringJoiner(", ", "[", "]");
        for (int i = 0; i < this.rules.length; i++) {
            ruleDescriptions.add("'" + this.rules[i].pattern() + "' -> " + this.ruleSamplers[i].getDescription());
        }
        this.description = "RuleBasedSampler{spans with a local parent: sampled as their parent, root spans: "
                + ruleDescriptions + ", other root spans and spans with a remote parent: " + delegate.getDescription()
                + "}";
    }

    /**
     * Return the sampler of root spans that match no rule.
     * @return the delegate
     */
    public Sampler getDelegate() {
        return this.delegate;
    }

    /**
     * Return the rules, in the order they are tried.
     * @return the rules
     */
    public List<SamplingRule> getRules() {
        return List.of(this.rules);
    }

    @Override
    public SamplingResult shouldSample(Context parentContext, String traceId, String name, SpanKind spanKind,
            Attributes attributes, List<LinkData> parentLinks) {
        SpanContext parent = Span.fromContext(parentContext).getSpanContext();
        if (parent.isValid()) {
            if (parent.isRemote()) {
                // A trace started elsewhere: Boot's sampler decides, as without rules
                // (its
                // default, parent-based, follows the caller's flag).
                return this.delegate.shouldSample(parentContext, traceId, name, spanKind, attributes, parentLinks);
            }
            // Within a trace started here, whoever decided at its root: no holes.
            return parent.isSampled() ? SamplingResult.recordAndSample() : SamplingResult.drop();
        }
        for (int i = 0; i < this.rules.length; i++) {
            if (this.rules[i].matches(name)) {
                return this.ruleSamplers[i].shouldSample(parentContext, traceId, name, spanKind, attributes,
                        parentLinks);
            }
        }
        return this.delegate.shouldSample(parentContext, traceId, name, spanKind, attributes, parentLinks);
    }

    @Override
    public String getDescription() {
        return this.description;
    }

    @Override
    public String toString() {
        return this.description;
    }

}
