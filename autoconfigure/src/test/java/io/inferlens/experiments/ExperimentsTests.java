package io.inferlens.experiments;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.micrometer.common.KeyValue;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.tck.TestObservationRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

/**
 * Tests for {@link DefaultExperiments}, without Spring.
 *
 * @author Inferlens
 */
class ExperimentsTests {

    private static final ExperimentDefinition ROUTING = new ExperimentDefinition("routing-policy",
            weights("control", 0.7, "cheap-first", 0.3));

    // Hash

    @Test
    void hashIsFnv1a64WithItsPublishedTestVectors() {
        // Test vectors of the FNV reference (isthe.com/chongo/tech/comp/fnv).
        assertThat(SubjectHash.update(SubjectHash.FNV_OFFSET_BASIS, "")).isEqualTo(0xcbf29ce484222325L);
        assertThat(SubjectHash.update(SubjectHash.FNV_OFFSET_BASIS, "a")).isEqualTo(0xaf63dc4c8601ec8cL);
        assertThat(SubjectHash.update(SubjectHash.FNV_OFFSET_BASIS, "foobar")).isEqualTo(0x85944171f73967e8L);
    }

    @Test
    void finalizerIsSplitMix64() {
        // The first output of SplitMix64 seeded with 0 is mix(0 + golden gamma).
        assertThat(SubjectHash.mix(0x9e3779b97f4a7c15L)).isEqualTo(0xe220a8397b1dcdafL);
    }

    @Test
    void hashEncodesStringsAsUtf8LikeStringGetBytes() {
        Random random = new Random(42);
        char[] alphabet = { 'a', 'Z', '0', '-', 'é', 'ß', 'Ω', '中', '€', '\uD83D', '\uDE00', '\u0000', '\u007F',
                '\u0080', '\u07FF', '\u0800', '\uFFFF' };
        for (int n = 0; n < 10_000; n++) {
            StringBuilder value = new StringBuilder();
            for (int i = random.nextInt(12); i > 0; i--) {
                value.append(alphabet[random.nextInt(alphabet.length)]);
            }
            String string = value.toString();
            assertThat(SubjectHash.update(SubjectHash.FNV_OFFSET_BASIS, string)).as(string)
                .isEqualTo(referenceFnv1a(string.getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Test
    void assignmentIsTheSpecifiedHashMappedByCumulativeWeight() {
        // An independent implementation of the documented scheme, on bytes.
        DefaultExperiments experiments = new DefaultExperiments(List.of(ROUTING));
        for (int i = 0; i < 10_000; i++) {
            String subject = "user-" + i + "-ünïcödé-😀";
            byte[] bytes = ("routing-policy\u0000" + subject).getBytes(StandardCharsets.UTF_8);
            double u = (SubjectHash.mix(referenceFnv1a(bytes)) >>> 11) / Math.pow(2, 53);
            assertThat(experiments.assign("routing-policy", subject)).isEqualTo((u < 0.7) ? "control" : "cheap-first");
        }
    }

    @Test
    void assignmentIsStableAcrossReleases() {
        // Pinned values, computed independently in Python (FNV-1a over
        // "routing-policy\0user-<i>".encode(), SplitMix64 finalizer, top 53 bits / 2^53):
        // a change of the hash would reassign the subjects of every running experiment.
        DefaultExperiments experiments = new DefaultExperiments(List.of(ROUTING));
        List<String> assigned = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            assigned.add(experiments.assign("routing-policy", "user-" + i));
        }
        assertThat(SubjectHash.unit(SubjectHash.seed("routing-policy"), "user-0")).isEqualTo(PINNED_UNIT_USER_0);
        assertThat(assigned).containsExactlyElementsOf(PINNED_ASSIGNMENTS);
    }

    private static final double PINNED_UNIT_USER_0 = 0.04136236606638122;

    private static final List<String> PINNED_ASSIGNMENTS = List.of("control", "control", "cheap-first", "control",
            "control", "cheap-first", "control", "control", "cheap-first", "control", "control", "control");

    // Assignment

    @Test
    void sameSubjectGetsTheSameVariantInEveryInstance() {
        DefaultExperiments first = new DefaultExperiments(List.of(ROUTING));
        DefaultExperiments second = new DefaultExperiments(
                List.of(new ExperimentDefinition("other", weights("a", 0.5, "b", 0.5)), ROUTING));
        for (int i = 0; i < 1000; i++) {
            String subject = "subject-" + i;
            String variant = first.assign("routing-policy", subject);
            assertThat(first.assign("routing-policy", subject)).isEqualTo(variant);
            assertThat(second.assign("routing-policy", subject)).isEqualTo(variant);
        }
    }

    @Test
    void subjectsAreDistributedByWeight() {
        DefaultExperiments experiments = new DefaultExperiments(List.of(ROUTING));
        int control = 0;
        for (int i = 0; i < 100_000; i++) {
            if (experiments.assign("routing-policy", "user-" + i).equals("control")) {
                control++;
            }
        }
        assertThat(control / 100_000.0).isCloseTo(0.70, within(0.01));
    }

    @Test
    void subjectsAreDistributedByWeightOverThreeVariants() {
        DefaultExperiments experiments = new DefaultExperiments(
                List.of(new ExperimentDefinition("prompt", weights("v1", 0.5, "v2", 0.3, "v3", 0.2))));
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (int i = 0; i < 100_000; i++) {
            counts.merge(experiments.assign("prompt", Integer.toString(i)), 1, Integer::sum);
        }
        assertThat(counts.get("v1") / 100_000.0).isCloseTo(0.5, within(0.01));
        assertThat(counts.get("v2") / 100_000.0).isCloseTo(0.3, within(0.01));
        assertThat(counts.get("v3") / 100_000.0).isCloseTo(0.2, within(0.01));
    }

    @Test
    void experimentsAssignTheSameSubjectsIndependently() {
        DefaultExperiments experiments = new DefaultExperiments(
                List.of(new ExperimentDefinition("first", weights("a", 0.5, "b", 0.5)),
                        new ExperimentDefinition("second", weights("a", 0.5, "b", 0.5))));
        int same = 0;
        for (int i = 0; i < 100_000; i++) {
            String subject = "user-" + i;
            if (experiments.assign("first", subject).equals(experiments.assign("second", subject))) {
                same++;
            }
        }
        assertThat(same / 100_000.0).isCloseTo(0.5, within(0.01));
    }

    @Test
    void singleVariantGetsEverySubjectAndHasNoComparison() {
        DefaultExperiments experiments = new DefaultExperiments(
                List.of(new ExperimentDefinition("rollout", Map.of("only", 1.0))));
        for (int i = 0; i < 1000; i++) {
            assertThat(experiments.assign("rollout", "user-" + i)).isEqualTo("only");
        }
        experiments.recordOutcome("rollout", "only", true);
        VariantResult only = experiments.results("rollout").control();
        assertThat(only.assignments()).isEqualTo(1000);
        assertThat(only.successRate()).isEqualTo(1.0);
        assertThat(only.pValue()).isNull();
    }

    @Test
    void weightsThatSumToOneOnlyWithinRoundingStillAssignEveryVariant() {
        DefaultExperiments experiments = new DefaultExperiments(
                List.of(new ExperimentDefinition("thirds", weights("a", 0.3333333, "b", 0.3333333, "c", 0.3333333))));
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (int i = 0; i < 30_000; i++) {
            counts.merge(experiments.assign("thirds", "s" + i), 1, Integer::sum);
        }
        assertThat(counts.keySet()).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(counts.get("c") / 30_000.0).isCloseTo(1 / 3.0, within(0.01));
    }

    @Test
    void namesAndVariantsAreInConfiguredOrder() {
        DefaultExperiments experiments = new DefaultExperiments(
                List.of(new ExperimentDefinition("zeta", weights("z", 0.5, "a", 0.5)), ROUTING));
        assertThat(experiments.names()).containsExactly("zeta", "routing-policy");
        assertThat(experiments.variants("zeta")).containsExactly("z", "a");
        assertThat(experiments.results("zeta").variants()).extracting(VariantResult::name).containsExactly("z", "a");
        assertThat(experiments.results("zeta").control().name()).isEqualTo("z");
    }

    // Results

    @Test
    void resultsCountAssignmentsOutcomesAndSuccessesPerVariant() {
        DefaultExperiments experiments = new DefaultExperiments(List.of(ROUTING));
        experiments.assign("routing-policy", "alice");
        experiments.assign("routing-policy", "alice");
        String variant = experiments.assign("routing-policy", "alice");
        experiments.recordOutcome("routing-policy", variant, true);
        experiments.recordOutcome("routing-policy", variant, false);
        experiments.recordOutcome("routing-policy", variant, true);
        experiments.recordOutcome("routing-policy", variant, true);
        ExperimentResults results = experiments.results("routing-policy");
        assertThat(results.experiment()).isEqualTo("routing-policy");
        VariantResult assigned = results.variant(variant);
        assertThat(assigned.assignments()).isEqualTo(3);
        assertThat(assigned.outcomes()).isEqualTo(4);
        assertThat(assigned.successes()).isEqualTo(3);
        assertThat(assigned.successRate()).isEqualTo(0.75);
        VariantResult other = results.variants().stream().filter((v) -> v != assigned).findFirst().orElseThrow();
        assertThat(other.assignments()).isZero();
        assertThat(other.outcomes()).isZero();
        assertThat(other.successRate()).isNull();
    }

    @Test
    void resultsGiveWeightsAndMarkTheControl() {
        ExperimentResults results = new DefaultExperiments(List.of(ROUTING)).results("routing-policy");
        assertThat(results.variants()).extracting(VariantResult::name, VariantResult::weight, VariantResult::control)
            .containsExactly(tuple("control", 0.7, true), tuple("cheap-first", 0.3, false));
    }

    @Test
    void variantIsComparedWithTheControlByTwoProportionZTest() {
        DefaultExperiments experiments = new DefaultExperiments(List.of(ROUTING));
        record(experiments, "control", 200, 1000);
        record(experiments, "cheap-first", 250, 1000);
        ExperimentResults results = experiments.results("routing-policy");
        // Pooled rate p = 450/2000 = 0.225, SE = sqrt(p(1-p)(1/1000 + 1/1000)) =
        // sqrt(0.00034875) = 0.0186748; z = (0.25 - 0.20) / SE = 2.677397763008329;
        // two-sided p = erfc(z / sqrt(2)) = 0.007419649261025693 (Python's math.erfc).
        assertThat(results.control().zScore()).isNull();
        assertThat(results.control().pValue()).isNull();
        VariantResult variant = results.variant("cheap-first");
        assertThat(variant.successRate()).isEqualTo(0.25);
        assertThat(variant.zScore()).isCloseTo(2.677397763008329, within(1e-12));
        assertThat(variant.pValue()).isCloseTo(0.007419649261025693, within(0.007419649261025693 * 1e-12));
    }

    @Test
    void variantDoingWorseThanTheControlHasANegativeZScoreAndTheSamePValue() {
        DefaultExperiments experiments = new DefaultExperiments(List.of(ROUTING));
        record(experiments, "control", 250, 1000);
        record(experiments, "cheap-first", 200, 1000);
        VariantResult variant = experiments.results("routing-policy").variant("cheap-first");
        assertThat(variant.zScore()).isCloseTo(-2.677397763008329, within(1e-12));
        assertThat(variant.pValue()).isCloseTo(0.007419649261025693, within(0.007419649261025693 * 1e-12));
    }

    @Test
    void equalRatesHaveAPValueOfOne() {
        DefaultExperiments experiments = new DefaultExperiments(List.of(ROUTING));
        record(experiments, "control", 30, 100);
        record(experiments, "cheap-first", 60, 200);
        VariantResult variant = experiments.results("routing-policy").variant("cheap-first");
        assertThat(variant.zScore()).isZero();
        assertThat(variant.pValue()).isEqualTo(1.0);
    }

    @Test
    void comparisonIsUndefinedWithoutOutcomesOnEitherSide() {
        DefaultExperiments experiments = new DefaultExperiments(List.of(ROUTING));
        record(experiments, "cheap-first", 5, 10);
        assertThat(experiments.results("routing-policy").variant("cheap-first").pValue()).isNull();
        DefaultExperiments controlOnly = new DefaultExperiments(List.of(ROUTING));
        record(controlOnly, "control", 5, 10);
        assertThat(controlOnly.results("routing-policy").variant("cheap-first").zScore()).isNull();
        assertThat(controlOnly.results("routing-policy").variant("cheap-first").pValue()).isNull();
    }

    @Test
    void comparisonIsUndefinedWhenEveryOutcomeIsTheSame() {
        DefaultExperiments allFailures = new DefaultExperiments(List.of(ROUTING));
        record(allFailures, "control", 0, 10);
        record(allFailures, "cheap-first", 0, 20);
        assertThat(allFailures.results("routing-policy").variant("cheap-first").pValue()).isNull();
        DefaultExperiments allSuccesses = new DefaultExperiments(List.of(ROUTING));
        record(allSuccesses, "control", 10, 10);
        record(allSuccesses, "cheap-first", 20, 20);
        assertThat(allSuccesses.results("routing-policy").variant("cheap-first").zScore()).isNull();
        assertThat(allSuccesses.results("routing-policy").variant("cheap-first").pValue()).isNull();
    }

    @Test
    void erfcHasARelativeErrorBelowOnePartInATrillion() {
        // Reference values: Python's math.erfc. 1.99 and 2 are on either side of the
        // switch from the series to the continued fraction.
        double[][] expected = { { 0, 1.0 }, { 0.5, 0.4795001221869535 }, { 1, 0.15729920705028513 },
                { 1.5, 0.033894853524689274 }, { 1.99, 0.004888586800383003 }, { 2, 0.004677734981047265 },
                { 2.5, 0.0004069520174449589 }, { 3, 2.2090496998585438e-05 }, { 5, 1.5374597944280351e-12 },
                { 8, 1.1224297172982928e-29 }, { -1, 1.842700792949715 }, { -2.5, 1.999593047982555 } };
        for (double[] value : expected) {
            assertThat(TwoProportionZTest.erfc(value[0])).as("erfc(%s)", value[0])
                .isCloseTo(value[1], within(value[1] * 1e-12));
        }
    }

    @Test
    void pValueOfTheNinetySevenAndAHalfPercentQuantileIsFivePercent() {
        assertThat(TwoProportionZTest.twoSidedPValue(1.959963984540054)).isCloseTo(0.05, within(0.05 * 1e-12));
        assertThat(TwoProportionZTest.twoSidedPValue(-1.959963984540054)).isCloseTo(0.05, within(0.05 * 1e-12));
    }

    // Errors

    @Test
    void unknownExperimentIsRejectedNamingTheConfiguredOnes() {
        DefaultExperiments experiments = new DefaultExperiments(List.of(ROUTING));
        assertThatIllegalArgumentException().isThrownBy(() -> experiments.assign("routing", "alice"))
            .withMessage("Unknown experiment 'routing'; the experiments are [routing-policy]");
        assertThatIllegalArgumentException().isThrownBy(() -> experiments.recordOutcome("routing", "control", true))
            .withMessageContaining("Unknown experiment 'routing'");
        assertThatIllegalArgumentException().isThrownBy(() -> experiments.results("routing"))
            .withMessageContaining("Unknown experiment 'routing'");
        assertThatIllegalArgumentException().isThrownBy(() -> experiments.variants("routing"))
            .withMessageContaining("Unknown experiment 'routing'");
    }

    @Test
    void everyExperimentIsUnknownWhenNoneIsConfigured() {
        DefaultExperiments experiments = new DefaultExperiments(List.of());
        assertThat(experiments.names()).isEmpty();
        assertThatIllegalArgumentException().isThrownBy(() -> experiments.assign("routing-policy", "alice"))
            .withMessage("Unknown experiment 'routing-policy'; no experiment is configured "
                    + "(inferlens.experiments.<name>.variants.<variant>=<weight>)");
    }

    @Test
    void unknownVariantIsRejectedNamingTheVariantsOfTheExperiment() {
        DefaultExperiments experiments = new DefaultExperiments(List.of(ROUTING));
        assertThatIllegalArgumentException()
            .isThrownBy(() -> experiments.recordOutcome("routing-policy", "expensive", true))
            .withMessage(
                    "Unknown variant 'expensive' of experiment 'routing-policy'; its variants are [control, cheap-first]");
        assertThatIllegalArgumentException()
            .isThrownBy(() -> experiments.results("routing-policy").variant("expensive"))
            .withMessageContaining("Unknown variant 'expensive'");
        assertThat(experiments.results("routing-policy").variants())
            .allSatisfy((v) -> assertThat(v.outcomes()).isZero());
    }

    @Test
    void nullOrBlankSubjectKeyIsRejected() {
        DefaultExperiments experiments = new DefaultExperiments(List.of(ROUTING));
        for (String key : new String[] { null, "", "  \t" }) {
            assertThatIllegalArgumentException().isThrownBy(() -> experiments.assign("routing-policy", key))
                .withMessage("Subject key of an assignment to experiment 'routing-policy' must not be null or blank");
        }
        assertThat(experiments.results("routing-policy").variants())
            .allSatisfy((v) -> assertThat(v.assignments()).isZero());
    }

    @Test
    void nullExperimentOrVariantIsRejected() {
        DefaultExperiments experiments = new DefaultExperiments(List.of(ROUTING));
        assertThatIllegalArgumentException().isThrownBy(() -> experiments.assign(null, "alice"))
            .withMessageContaining("Unknown experiment 'null'");
        assertThatIllegalArgumentException().isThrownBy(() -> experiments.recordOutcome("routing-policy", null, true))
            .withMessageContaining("Unknown variant 'null'");
    }

    @Test
    void invalidDefinitionsAreRejected() {
        assertThatIllegalArgumentException().isThrownBy(() -> new ExperimentDefinition("x", Map.of()))
            .withMessage("Experiment 'x' must have at least one variant");
        assertThatIllegalArgumentException()
            .isThrownBy(() -> new ExperimentDefinition("x", weights("a", 1.2, "b", -0.2)))
            .withMessage("Weight of variant 'b' of experiment 'x' must be positive and finite, but was -0.2");
        assertThatIllegalArgumentException()
            .isThrownBy(() -> new ExperimentDefinition("x", weights("a", 1.0, "b", 0.0)))
            .withMessage("Weight of variant 'b' of experiment 'x' must be positive and finite, but was 0.0");
        assertThatIllegalArgumentException()
            .isThrownBy(() -> new ExperimentDefinition("x", weights("a", Double.NaN, "b", 0.5)))
            .withMessageContaining("must be positive and finite, but was NaN");
        assertThatIllegalArgumentException()
            .isThrownBy(() -> new ExperimentDefinition("x", weights("a", Double.POSITIVE_INFINITY, "b", 0.5)))
            .withMessageContaining("must be positive and finite, but was Infinity");
        assertThatIllegalArgumentException()
            .isThrownBy(() -> new ExperimentDefinition("x", weights("a", 0.6, "b", 0.3)))
            .withMessage("Weights of the variants of experiment 'x' must sum to 1, but sum to 0.8999999999999999");
        assertThatIllegalArgumentException().isThrownBy(() -> new ExperimentDefinition(" ", Map.of("a", 1.0)))
            .withMessage("Experiment name must not be blank");
        assertThatIllegalArgumentException().isThrownBy(() -> new ExperimentDefinition("x", Map.of(" ", 1.0)))
            .withMessage("Variant names of experiment 'x' must not be blank");
    }

    @Test
    void weightsMaySumToOneWithinTheTolerance() {
        assertThat(new ExperimentDefinition("x", weights("a", 0.5, "b", 0.5000009)).variants()).hasSize(2);
        assertThatIllegalArgumentException()
            .isThrownBy(() -> new ExperimentDefinition("x", weights("a", 0.5, "b", 0.500002)));
    }

    @Test
    void definitionKeepsTheOrderAndIsUnmodifiable() {
        Map<String, Double> variants = weights("b", 0.5, "a", 0.5);
        ExperimentDefinition definition = new ExperimentDefinition("x", variants);
        variants.clear();
        assertThat(definition.variants().keySet()).containsExactly("b", "a");
        assertThatThrownByUnsupported(definition);
    }

    @Test
    void experimentDefinedTwiceIsRejected() {
        assertThatIllegalArgumentException().isThrownBy(() -> new DefaultExperiments(List.of(ROUTING, ROUTING)))
            .withMessage("Experiment 'routing-policy' is defined twice");
    }

    // Metrics and observations

    @Test
    void countersAreRegisteredAtZeroForEveryVariantAndCountEvents() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        DefaultExperiments experiments = new DefaultExperiments(List.of(ROUTING), TestObservationRegistry.create(),
                new MicrometerExperimentRecorder(registry));
        // Prometheus: inferlens_experiment_assignments_total{experiment,variant} and
        // inferlens_experiment_outcomes_total{experiment,variant,outcome}.
        assertThat(registry.find("inferlens.experiment.assignments").counters()).hasSize(2)
            .allSatisfy((counter) -> assertThat(counter.count()).isZero());
        assertThat(registry.find("inferlens.experiment.outcomes").counters()).hasSize(4)
            .allSatisfy((counter) -> assertThat(counter.count()).isZero());
        String variant = experiments.assign("routing-policy", "alice");
        experiments.assign("routing-policy", "alice");
        experiments.recordOutcome("routing-policy", variant, true);
        experiments.recordOutcome("routing-policy", variant, false);
        experiments.recordOutcome("routing-policy", variant, false);
        Counter assignments = registry.get("inferlens.experiment.assignments")
            .tags("experiment", "routing-policy", "variant", variant)
            .counter();
        assertThat(assignments.count()).isEqualTo(2);
        assertThat(assignments.getId().getDescription()).isNotBlank();
        Counter successes = registry.get("inferlens.experiment.outcomes")
            .tags("experiment", "routing-policy", "variant", variant, "outcome", "success")
            .counter();
        assertThat(successes.count()).isEqualTo(1);
        assertThat(successes.getId().getDescription()).isNotBlank();
        assertThat(registry.get("inferlens.experiment.outcomes")
            .tags("experiment", "routing-policy", "variant", variant, "outcome", "failure")
            .counter()
            .count()).isEqualTo(2);
    }

    @Test
    void assignmentTagsTheCurrentObservationWithAHighCardinalityKeyValue() {
        TestObservationRegistry registry = TestObservationRegistry.create();
        DefaultExperiments experiments = new DefaultExperiments(List.of(ROUTING), registry, ExperimentRecorder.NONE);
        Observation observation = Observation.start("chat", registry);
        String variant;
        try (Observation.Scope scope = observation.openScope()) {
            variant = experiments.assign("routing-policy", "alice");
        }
        finally {
            observation.stop();
        }
        Observation.Context context = observation.getContext();
        assertThat(context.getHighCardinalityKeyValue("inferlens.experiment.routing-policy"))
            .isEqualTo(KeyValue.of("inferlens.experiment.routing-policy", variant));
        assertThat(context.getLowCardinalityKeyValues()).isEmpty();
    }

    @Test
    void assignmentWithoutCurrentObservationTagsNothing() {
        TestObservationRegistry registry = TestObservationRegistry.create();
        DefaultExperiments experiments = new DefaultExperiments(List.of(ROUTING), registry, ExperimentRecorder.NONE);
        Observation observation = Observation.start("chat", registry);
        experiments.assign("routing-policy", "alice");
        observation.stop();
        assertThat(observation.getContext().getHighCardinalityKeyValues()).isEmpty();
    }

    @Test
    void failingRecorderDoesNotBreakAssignmentsOrOutcomes() {
        VariantRecorder failing = new VariantRecorder() {

            @Override
            public void assigned() {
                throw new IllegalStateException("metrics backend down");
            }

            @Override
            public void outcome(boolean success) {
                throw new IllegalStateException("metrics backend down");
            }

        };
        DefaultExperiments experiments = new DefaultExperiments(List.of(ROUTING), TestObservationRegistry.create(),
                (experiment, variant) -> failing);
        String variant = experiments.assign("routing-policy", "alice");
        experiments.assign("routing-policy", "alice");
        experiments.recordOutcome("routing-policy", variant, true);
        VariantResult result = experiments.results("routing-policy").variant(variant);
        assertThat(result.assignments()).isEqualTo(2);
        assertThat(result.successes()).isEqualTo(1);
    }

    // Concurrency

    @Test
    void countsAreExactUnderConcurrency() throws Exception {
        int threads = 8;
        int perThread = 10_000;
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        DefaultExperiments experiments = new DefaultExperiments(List.of(ROUTING), TestObservationRegistry.create(),
                new MicrometerExperimentRecorder(registry));
        // Expected counts from a sequential pass over the same subjects on another
        // instance: assignment is deterministic.
        DefaultExperiments sequential = new DefaultExperiments(List.of(ROUTING));
        Map<String, long[]> expected = new LinkedHashMap<>();
        for (int t = 0; t < threads; t++) {
            for (int i = 0; i < perThread; i++) {
                String variant = sequential.assign("routing-policy", "t" + t + "-" + i);
                long[] counts = expected.computeIfAbsent(variant, (v) -> new long[3]);
                counts[0]++;
                counts[1]++;
                counts[2] += success(i) ? 1 : 0;
            }
        }
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(executor.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        String variant = experiments.assign("routing-policy", "t" + thread + "-" + i);
                        experiments.recordOutcome("routing-policy", variant, success(i));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : futures) {
                future.get(60, TimeUnit.SECONDS);
            }
        }
        finally {
            executor.shutdownNow();
        }
        ExperimentResults results = experiments.results("routing-policy");
        long total = 0;
        for (VariantResult result : results.variants()) {
            long[] counts = expected.get(result.name());
            assertThat(result.assignments()).as(result.name()).isEqualTo(counts[0]);
            assertThat(result.outcomes()).as(result.name()).isEqualTo(counts[1]);
            assertThat(result.successes()).as(result.name()).isEqualTo(counts[2]);
            assertThat(registry.get("inferlens.experiment.assignments").tag("variant", result.name()).counter().count())
                .isEqualTo(counts[0]);
            assertThat(registry.get("inferlens.experiment.outcomes")
                .tags("variant", result.name(), "outcome", "success")
                .counter()
                .count()).isEqualTo(counts[2]);
            assertThat(registry.get("inferlens.experiment.outcomes")
                .tags("variant", result.name(), "outcome", "failure")
                .counter()
                .count()).isEqualTo(counts[1] - counts[2]);
            total += result.assignments();
        }
        assertThat(total).isEqualTo((long) threads * perThread);
    }

    private static boolean success(int i) {
        return i % 3 != 0;
    }

    private static void record(Experiments experiments, String variant, int successes, int outcomes) {
        for (int i = 0; i < outcomes; i++) {
            experiments.recordOutcome("routing-policy", variant, i < successes);
        }
    }

    private static void assertThatThrownByUnsupported(ExperimentDefinition definition) {
        assertThatExceptionOfType(UnsupportedOperationException.class)
            .isThrownBy(() -> definition.variants().put("c", 0.1));
    }

    private static long referenceFnv1a(byte[] bytes) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : bytes) {
            hash ^= (b & 0xFF);
            hash *= 0x100000001b3L;
        }
        return hash;
    }

    private static Map<String, Double> weights(Object... namesAndWeights) {
        Map<String, Double> weights = new LinkedHashMap<>();
        for (int i = 0; i < namesAndWeights.length; i += 2) {
            weights.put((String) namesAndWeights[i], (Double) namesAndWeights[i + 1]);
        }
        return weights;
    }

}
