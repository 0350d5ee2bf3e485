package io.inferlens.tracing;

import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceId;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link RuleBasedSampler} and {@link SamplingRule}.
 *
 * @author Inferlens
 */
class RuleBasedSamplerTests {

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

    private final RecordingSampler delegate = new RecordingSampler(SamplingResult.recordAndSample());

    @Test
    void firstMatchingRuleWins() {
        RuleBasedSampler sampler = new RuleBasedSampler(
                List.of(new SamplingRule("chat sim-large", 1.0), new SamplingRule("chat *", 0.0)), this.delegate);
        assertThat(decision(sampler, Context.root(), "chat sim-large")).isEqualTo(SamplingDecision.RECORD_AND_SAMPLE);
        assertThat(decision(sampler, Context.root(), "chat sim-small")).isEqualTo(SamplingDecision.DROP);
        RuleBasedSampler reversed = new RuleBasedSampler(
                List.of(new SamplingRule("chat *", 0.0), new SamplingRule("chat sim-large", 1.0)), this.delegate);
        assertThat(decision(reversed, Context.root(), "chat sim-large")).isEqualTo(SamplingDecision.DROP);
        assertThat(this.delegate.names).isEmpty();
    }

    @Test
    void patternIsExactOrHasWildcards() {
        assertThat(new SamplingRule("routing_request", 1).matches("routing_request")).isTrue();
        assertThat(new SamplingRule("routing_request", 1).matches("routing_request2")).isFalse();
        assertThat(new SamplingRule("routing_request", 1).matches("Routing_request")).isFalse();
        assertThat(new SamplingRule("chat *", 1).matches("chat sim-large")).isTrue();
        assertThat(new SamplingRule("chat *", 1).matches("chat ")).isTrue();
        assertThat(new SamplingRule("chat *", 1).matches("chatter")).isFalse();
        assertThat(new SamplingRule("chat *", 1).matches("embeddings chat x")).isFalse();
        assertThat(new SamplingRule("http post /v1/*", 1).matches("http post /v1/chat/completions")).isTrue();
        assertThat(new SamplingRule("http post /v1/*", 1).matches("http get /v1/models")).isFalse();
        assertThat(new SamplingRule("*", 1).matches("")).isTrue();
        assertThat(new SamplingRule("*", 1).matches("anything")).isTrue();
        assertThat(new SamplingRule("*.route", 1).matches("gateway.route")).isTrue();
        assertThat(new SamplingRule("*.route", 1).matches("gateway.router")).isFalse();
        assertThat(new SamplingRule("a*b*c", 1).matches("axxbyybzc")).isTrue();
        assertThat(new SamplingRule("a*b*c", 1).matches("axxbyybz")).isFalse();
        assertThat(new SamplingRule("a**c", 1).matches("ac")).isTrue();
    }

    @Test
    void probabilityZeroDropsAndOneSamplesEveryTrace() {
        RuleBasedSampler sampler = new RuleBasedSampler(
                List.of(new SamplingRule("never", 0.0), new SamplingRule("always", 1.0)), Sampler.alwaysOff());
        Random random = new Random(42);
        for (int i = 0; i < 1000; i++) {
            String traceId = randomTraceId(random);
            assertThat(decision(sampler, Context.root(), traceId, "never")).isEqualTo(SamplingDecision.DROP);
            assertThat(decision(sampler, Context.root(), traceId, "always"))
                .isEqualTo(SamplingDecision.RECORD_AND_SAMPLE);
        }
    }

    @Test
    void ratioRuleSamplesAboutItsProbabilityOfRandomTraceIds() {
        RuleBasedSampler sampler = new RuleBasedSampler(List.of(new SamplingRule("routing_request", 0.1)),
                Sampler.alwaysOn());
        Random random = new Random(7);
        int n = 10_000;
        int sampled = 0;
        for (int i = 0; i < n; i++) {
            if (decision(sampler, Context.root(), randomTraceId(random),
                    "routing_request") == SamplingDecision.RECORD_AND_SAMPLE) {
                sampled++;
            }
        }
        // Binomial(10,000, 0.1): mean 1,000, sigma 30; 4 sigma = 120.
        assertThat(sampled).isBetween(880, 1120);
    }

    @Test
    void ratioRuleDecidesAsTraceIdRatioSamplerDoesForEachTraceId() {
        RuleBasedSampler sampler = new RuleBasedSampler(List.of(new SamplingRule("op", 0.25)), Sampler.alwaysOn());
        Sampler ratio = Sampler.traceIdRatioBased(0.25);
        Random random = new Random(3);
        for (int i = 0; i < 2000; i++) {
            String traceId = randomTraceId(random);
            assertThat(decision(sampler, Context.root(), traceId, "op"))
                .isEqualTo(decision(ratio, Context.root(), traceId, "op"))
                .isEqualTo(decision(sampler, Context.root(), traceId, "op"));
        }
    }

    @Test
    void localParentIsFollowedWhateverTheRulesSay() {
        RuleBasedSampler dropping = new RuleBasedSampler(List.of(new SamplingRule("*", 0.0)), Sampler.alwaysOff());
        assertThat(decision(dropping, parent(true, false), "chat sim-large"))
            .isEqualTo(SamplingDecision.RECORD_AND_SAMPLE);
        RuleBasedSampler keeping = new RuleBasedSampler(List.of(new SamplingRule("*", 1.0)), Sampler.alwaysOn());
        assertThat(decision(keeping, parent(false, false), "chat sim-large")).isEqualTo(SamplingDecision.DROP);
    }

    @Test
    void remoteParentIsLeftToBootsSamplerAsWithoutRules() {
        // always_off as a kill switch stays one, whatever the caller's flag
        RuleBasedSampler off = new RuleBasedSampler(List.of(new SamplingRule("*", 1.0)), Sampler.alwaysOff());
        assertThat(decision(off, parent(true, true), "http post")).isEqualTo(SamplingDecision.DROP);
        // Boot's default, parent-based, follows the caller either way
        RuleBasedSampler parentBased = new RuleBasedSampler(List.of(new SamplingRule("*", 0.0)),
                Sampler.parentBased(Sampler.alwaysOff()));
        assertThat(decision(parentBased, parent(true, true), "http post"))
            .isEqualTo(SamplingDecision.RECORD_AND_SAMPLE);
        RuleBasedSampler parentBasedOn = new RuleBasedSampler(List.of(new SamplingRule("*", 1.0)),
                Sampler.parentBased(Sampler.alwaysOn()));
        assertThat(decision(parentBasedOn, parent(false, true), "http post")).isEqualTo(SamplingDecision.DROP);
    }

    @Test
    void parentDecisionKeepsTheParentsTraceState() {
        RuleBasedSampler sampler = new RuleBasedSampler(List.of(new SamplingRule("*", 0.0)), Sampler.alwaysOff());
        TraceState state = TraceState.builder().put("vendor", "value").build();
        SpanContext parent = SpanContext.create(TRACE_ID, "00f067aa0ba902b7", TraceFlags.getSampled(), state);
        SamplingResult result = sampler.shouldSample(Context.root().with(Span.wrap(parent)), TRACE_ID, "x",
                SpanKind.SERVER, Attributes.empty(), List.of());
        assertThat(result.getUpdatedTraceState(state)).isEqualTo(state);
    }

    @Test
    void rootSpanMatchingNoRuleIsLeftToTheDelegate() {
        RecordingSampler delegate = new RecordingSampler(SamplingResult.drop());
        RuleBasedSampler sampler = new RuleBasedSampler(List.of(new SamplingRule("chat *", 1.0)), delegate);
        Attributes attributes = Attributes.builder().put("k", "v").build();
        SamplingResult result = sampler.shouldSample(Context.root(), TRACE_ID, "http post", SpanKind.SERVER, attributes,
                List.of());
        assertThat(result.getDecision()).isEqualTo(SamplingDecision.DROP);
        assertThat(delegate.names).containsExactly("http post|SERVER|" + TRACE_ID + "|" + attributes);
    }

    @Test
    void spanWithParentIsNotLeftToTheDelegate() {
        RecordingSampler delegate = new RecordingSampler(SamplingResult.drop());
        RuleBasedSampler sampler = new RuleBasedSampler(List.of(new SamplingRule("chat *", 1.0)), delegate);
        assertThat(decision(sampler, parent(true, false), "http post")).isEqualTo(SamplingDecision.RECORD_AND_SAMPLE);
        assertThat(delegate.names).isEmpty();
    }

    @Test
    void descriptionSaysWhatItDoes() {
        RuleBasedSampler sampler = new RuleBasedSampler(
                List.of(new SamplingRule("routing_request", 0.01), new SamplingRule("chat *", 1.0)),
                Sampler.parentBased(Sampler.traceIdRatioBased(0.1)));
        assertThat(sampler.getDescription()).isEqualTo(
                "RuleBasedSampler{spans with a local parent: sampled as their parent, root spans: ['routing_request' -> "
                        + "TraceIdRatioBased{0.010000}, 'chat *' -> TraceIdRatioBased{1.000000}], other root spans and"
                        + " spans with a remote parent: "
                        + "ParentBased{root:TraceIdRatioBased{0.100000},remoteParentSampled:AlwaysOnSampler,"
                        + "remoteParentNotSampled:AlwaysOffSampler,localParentSampled:AlwaysOnSampler,"
                        + "localParentNotSampled:AlwaysOffSampler}}");
    }

    @Test
    void invalidRulesAreRejected() {
        assertThatIllegalArgumentException().isThrownBy(() -> new SamplingRule(" ", 0.5))
            .withMessageContaining("blank");
        assertThatIllegalArgumentException().isThrownBy(() -> new SamplingRule("x", 1.5))
            .withMessageContaining("between 0 and 1");
        assertThatIllegalArgumentException().isThrownBy(() -> new SamplingRule("x", -0.1))
            .withMessageContaining("between 0 and 1");
        assertThatIllegalArgumentException().isThrownBy(() -> new SamplingRule("x", Double.NaN))
            .withMessageContaining("between 0 and 1");
    }

    private static SamplingDecision decision(Sampler sampler, Context parent, String name) {
        return decision(sampler, parent, TRACE_ID, name);
    }

    private static SamplingDecision decision(Sampler sampler, Context parent, String traceId, String name) {
        return sampler.shouldSample(parent, traceId, name, SpanKind.INTERNAL, Attributes.empty(), List.of())
            .getDecision();
    }

    private static Context parent(boolean sampled, boolean remote) {
        TraceFlags flags = sampled ? TraceFlags.getSampled() : TraceFlags.getDefault();
        SpanContext context = remote
                ? SpanContext.createFromRemoteParent(TRACE_ID, "00f067aa0ba902b7", flags, TraceState.getDefault())
                : SpanContext.create(TRACE_ID, "00f067aa0ba902b7", flags, TraceState.getDefault());
        return Context.root().with(Span.wrap(context));
    }

    private static String randomTraceId(Random random) {
        return TraceId.fromLongs(random.nextLong(), random.nextLong());
    }

    static final class RecordingSampler implements Sampler {

        final List<String> names = new CopyOnWriteArrayList<>();

        private final SamplingResult result;

        RecordingSampler(SamplingResult result) {
            this.result = result;
        }

        @Override
        public SamplingResult shouldSample(Context parentContext, String traceId, String name, SpanKind spanKind,
                Attributes attributes, List<LinkData> parentLinks) {
            this.names.add(name + "|" + spanKind + "|" + traceId + "|" + attributes);
            return this.result;
        }

        @Override
        public String getDescription() {
            return "recording";
        }

    }

}
