package io.inferlens.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link TagValueLimitMeterFilter}.
 *
 * @author Inferlens
 */
@ExtendWith(OutputCaptureExtension.class)
class TagValueLimitMeterFilterTests {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void firstValuesAreKeptAndLaterOnesAreRecordedAsOther() {
        limit(2);
        count("inferlens.requests", "model", "a");
        count("inferlens.requests", "model", "b");
        count("inferlens.requests", "model", "c");
        count("inferlens.requests", "model", "d");
        count("inferlens.requests", "model", "c");
        assertThat(modelValues("inferlens.requests")).containsExactlyInAnyOrder("a", "b", "other");
        assertThat(this.registry.get("inferlens.requests").tag("model", "other").counter().count()).isEqualTo(3);
        assertThat(this.registry.get("inferlens.requests").tag("model", "a").counter().count()).isEqualTo(1);
    }

    @Test
    void keptValueStaysKeptAfterTheLimitIsReached() {
        limit(2);
        count("inferlens.requests", "model", "a");
        count("inferlens.requests", "model", "b");
        for (int i = 0; i < 50; i++) {
            count("inferlens.requests", "model", "new-" + i);
        }
        count("inferlens.requests", "model", "a");
        Counter a = this.registry.get("inferlens.requests").tag("model", "a").counter();
        assertThat(a.count()).isEqualTo(2);
        assertThat(this.registry.get("inferlens.requests").tag("model", "other").counter().count()).isEqualTo(50);
    }

    @Test
    void refusedValueIsNeverKeptLater() {
        TagValueLimitMeterFilter filter = new TagValueLimitMeterFilter(1);
        assertThat(tagOf(filter.map(id("inferlens.requests", "model", "a")))).isEqualTo("a");
        for (int i = 0; i < 3; i++) {
            assertThat(tagOf(filter.map(id("inferlens.requests", "model", "b")))).isEqualTo("other");
        }
    }

    @Test
    void limitIsPerMeterNameAndTagKey() {
        limit(2);
        count("inferlens.requests", "model", "a", "target", "x");
        count("inferlens.requests", "model", "b", "target", "y");
        count("inferlens.requests", "model", "a", "target", "z");
        count("gen_ai.client.token.usage", "model", "c");
        count("gen_ai.client.token.usage", "model", "d");
        assertThat(modelValues("inferlens.requests")).containsExactlyInAnyOrder("a", "b", "a");
        assertThat(this.registry.find("inferlens.requests").counters()).extracting((c) -> c.getId().getTag("target"))
            .containsExactlyInAnyOrder("x", "y", "other");
        assertThat(modelValues("gen_ai.client.token.usage")).containsExactlyInAnyOrder("c", "d");
    }

    @Test
    void genAiMetersAreCapped() {
        limit(1);
        count("gen_ai.client.operation.duration", "gen_ai.request.model", "gpt-a");
        count("gen_ai.client.operation.duration", "gen_ai.request.model", "gpt-b");
        assertThat(this.registry.find("gen_ai.client.operation.duration").counters())
            .extracting((c) -> c.getId().getTag("gen_ai.request.model"))
            .containsExactlyInAnyOrder("gpt-a", "other");
    }

    @Test
    void metersOutsideInferlensAndGenAiAreNotCapped() {
        limit(2);
        for (int i = 0; i < 10; i++) {
            count("http.server.requests", "model", "m" + i);
            count("inferlensx.requests", "model", "m" + i);
        }
        assertThat(modelValues("http.server.requests")).hasSize(10).doesNotContain("other");
        assertThat(modelValues("inferlensx.requests")).hasSize(10).doesNotContain("other");
    }

    @Test
    void tagsNotLimitedAreNotCapped() {
        limit(2);
        for (int i = 0; i < 10; i++) {
            count("inferlens.requests", "outcome", "o" + i, "model", "a");
        }
        assertThat(this.registry.find("inferlens.requests").counters()).hasSize(10);
    }

    @Test
    void everyDefaultKeyIsLimited() {
        TagValueLimitMeterFilter filter = new TagValueLimitMeterFilter(1);
        assertThat(filter.getLimitedTagKeys()).containsExactlyInAnyOrder("gen_ai.request.model",
                "gen_ai.response.model", "gen_ai.provider.name", "model", "provider", "target", "experiment", "variant",
                "model_type", "name", "stage", "gen_ai.tool.name", "spring.ai.tool.definition.name");
        for (String key : filter.getLimitedTagKeys()) {
            filter.map(id("inferlens.requests", key, "first"));
            assertThat(filter.map(id("inferlens.requests", key, "second")).getTag(key)).as(key).isEqualTo("other");
        }
    }

    @Test
    void givenTagKeysAreLimitedInsteadOfTheDefaults() {
        TagValueLimitMeterFilter filter = new TagValueLimitMeterFilter(1, Set.of("tenant"));
        filter.map(id("inferlens.requests", "tenant", "t1"));
        assertThat(filter.map(id("inferlens.requests", "tenant", "t2")).getTag("tenant")).isEqualTo("other");
        filter.map(id("inferlens.requests", "model", "a"));
        assertThat(filter.map(id("inferlens.requests", "model", "b")).getTag("model")).isEqualTo("b");
    }

    @Test
    void valueOtherTakesNoPlace() {
        limit(2);
        count("inferlens.requests", "model", "other");
        count("inferlens.requests", "model", "a");
        count("inferlens.requests", "model", "b");
        count("inferlens.requests", "model", "c");
        assertThat(modelValues("inferlens.requests")).containsExactlyInAnyOrder("a", "b", "other");
    }

    @Test
    void otherTagsAndIdPropertiesAreKept() {
        TagValueLimitMeterFilter filter = new TagValueLimitMeterFilter(1);
        filter.map(id("inferlens.requests", "model", "a"));
        Meter.Id original = new Meter.Id("inferlens.requests", Tags.of("model", "b", "outcome", "error", "zone", "z"),
                "requests", "Requests", Meter.Type.COUNTER);
        Meter.Id mapped = filter.map(original);
        assertThat(mapped.getTags())
            .isEqualTo(Tags.of("model", "other", "outcome", "error", "zone", "z").stream().toList());
        assertThat(mapped.getBaseUnit()).isEqualTo("requests");
        assertThat(mapped.getDescription()).isEqualTo("Requests");
        assertThat(mapped.getType()).isEqualTo(Meter.Type.COUNTER);
    }

    @Test
    void idWithinTheLimitIsReturnedUnchanged() {
        TagValueLimitMeterFilter filter = new TagValueLimitMeterFilter(5);
        Meter.Id id = id("inferlens.requests", "model", "a");
        assertThat(filter.map(id)).isSameAs(id);
        assertThat(filter.map(id)).isSameAs(id);
    }

    @Test
    void warnsOncePerMeterNameNamingTheMeterTheTagTheLimitAndTheProperty(CapturedOutput output) {
        limit(1);
        for (int i = 0; i < 5; i++) {
            count("inferlens.requests", "model", "m" + i);
            count("inferlens.requests", "target", "t" + i);
        }
        count("inferlens.routing", "target", "t1");
        count("inferlens.routing", "target", "t2");
        assertThat(output).contains("WARN")
            .contains("Meter 'inferlens.requests' reached the limit of 1 distinct values of tag 'model'")
            .contains("inferlens.metrics.max-tag-values")
            .contains("Meter 'inferlens.routing' reached the limit of 1 distinct values of tag 'target'");
        assertThat(occurrences(output.getOut(), "Meter 'inferlens.requests' reached")).isEqualTo(1);
        assertThat(occurrences(output.getOut(), "Meter 'inferlens.routing' reached")).isEqualTo(1);
    }

    @Test
    void noWarningWithinTheLimit(CapturedOutput output) {
        limit(2);
        count("inferlens.requests", "model", "a");
        count("inferlens.requests", "model", "b");
        count("inferlens.requests", "model", "a");
        assertThat(output).doesNotContain("reached the limit");
    }

    @Test
    void limitBelowOneIsRejected() {
        assertThatIllegalArgumentException().isThrownBy(() -> new TagValueLimitMeterFilter(0))
            .withMessageContaining("maxTagValues must be at least 1");
    }

    @Test
    void defaultLimitIsOneHundred() {
        TagValueLimitMeterFilter filter = new TagValueLimitMeterFilter();
        assertThat(filter.getMaxTagValues()).isEqualTo(100);
        for (int i = 0; i < 100; i++) {
            assertThat(filter.map(id("inferlens.requests", "model", "m" + i)).getTag("model")).isEqualTo("m" + i);
        }
        assertThat(filter.map(id("inferlens.requests", "model", "m100")).getTag("model")).isEqualTo("other");
    }

    @Test
    void concurrentMappingKeepsExactlyTheLimitAndEachValueMapsOneWay() throws Exception {
        int limit = 10;
        int threads = 16;
        int meters = 200;
        int values = 30;
        TagValueLimitMeterFilter filter = new TagValueLimitMeterFilter(limit);
        // meter name -> value -> what the value was mapped to
        Map<String, Map<String, Set<String>>> outcomes = new ConcurrentHashMap<>();
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        try {
            // Every meter name is a new race between all the threads for its places.
            CyclicBarrier nextMeter = new CyclicBarrier(threads);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int offset = t * 7;
                futures.add(executor.submit(() -> {
                    for (int m = 0; m < meters; m++) {
                        nextMeter.await(30, TimeUnit.SECONDS);
                        String name = "inferlens.requests." + m;
                        for (int i = 0; i < values; i++) {
                            String value = "m" + ((i + offset) % values);
                            String mapped = filter.map(id(name, "model", value)).getTag("model");
                            outcomes.computeIfAbsent(name, (key) -> new ConcurrentHashMap<>())
                                .computeIfAbsent(value, (key) -> ConcurrentHashMap.newKeySet())
                                .add(mapped);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get(60, TimeUnit.SECONDS);
            }
        }
        finally {
            executor.shutdownNow();
        }
        assertThat(outcomes).hasSize(meters);
        assertThat(outcomes).allSatisfy((name, byValue) -> {
            assertThat(byValue).as(name).hasSize(values);
            assertThat(byValue.values()).as(name).allSatisfy((mapped) -> assertThat(mapped).hasSize(1));
            assertThat(byValue.entrySet()).as(name)
                .filteredOn((entry) -> entry.getValue().contains(entry.getKey()))
                .hasSize(limit);
        });
    }

    @Test
    void concurrentRegistrationsNeverCreateMoreThanTheLimit() throws Exception {
        limit(5);
        int threads = 12;
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(executor.submit(() -> {
                    start.await();
                    for (int i = 0; i < 100; i++) {
                        count("inferlens.requests", "model", "t" + thread + "-" + i);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : futures) {
                future.get(30, TimeUnit.SECONDS);
            }
        }
        finally {
            executor.shutdownNow();
        }
        assertThat(modelValues("inferlens.requests")).hasSize(6).contains("other");
        double total = this.registry.find("inferlens.requests").counters().stream().mapToDouble(Counter::count).sum();
        assertThat(total).isEqualTo(threads * 100);
    }

    private void limit(int maxTagValues) {
        this.registry.config().meterFilter(new TagValueLimitMeterFilter(maxTagValues));
    }

    private void count(String name, String... tags) {
        Counter.builder(name).tags(tags).register(this.registry).increment();
    }

    private List<String> modelValues(String name) {
        return this.registry.find(name).counters().stream().map((counter) -> counter.getId().getTag("model")).toList();
    }

    private static Meter.Id id(String name, String key, String value) {
        return new Meter.Id(name, Tags.of(key, value), null, null, Meter.Type.COUNTER);
    }

    private static String tagOf(Meter.Id id) {
        return id.getTag("model");
    }

    private static int occurrences(String text, String part) {
        int count = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            count++;
        }
        return count;
    }

}
