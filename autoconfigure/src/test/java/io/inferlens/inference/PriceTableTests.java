package io.inferlens.inference;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PriceTable}.
 *
 * @author Inferlens
 */
@ExtendWith(OutputCaptureExtension.class)
class PriceTableTests {

    private static final ModelPrice ALIAS_PRICE = ModelPrice.of(2.5, 10);

    private static final ModelPrice SNAPSHOT_PRICE = ModelPrice.of(5, 15);

    private final PriceTable table = new PriceTable(Map.of("gpt-4o", ALIAS_PRICE, "gpt-4o-2024-05-13", SNAPSHOT_PRICE));

    @Test
    void responseModelIsPricedBeforeRequestModel() {
        assertThat(this.table.find("gpt-4o-2024-05-13", "gpt-4o"))
            .isEqualTo(new PriceTable.Priced("gpt-4o-2024-05-13", SNAPSHOT_PRICE));
    }

    @Test
    void costIsTheUsagePricedAtTheResponseModelElseTheRequestModel(CapturedOutput output) {
        TokenUsage usage = TokenUsage.of(1_000_000, 100_000);
        assertThat(this.table.cost(usage, "gpt-4o-2024-05-13", "gpt-4o")).isEqualTo(5 + 1.5);
        assertThat(this.table.cost(usage, "gpt-4o-2024-11-20", "gpt-4o")).isEqualTo(2.5 + 1.0);
        assertThat(this.table.cost(usage, null, "gpt-4o")).isEqualTo(2.5 + 1.0);
        assertThat(output).doesNotContain("has no price");
    }

    @Test
    void costIsNotANumberWithoutTokensOrPrice(CapturedOutput output) {
        assertThat(this.table.cost(TokenUsage.NONE, "gpt-4o", "gpt-4o")).isNaN();
        assertThat(this.table.cost(TokenUsage.of(10, 10), "mystery", null)).isNaN();
        assertThat(this.table.cost(TokenUsage.of(10, 10), "mystery", null)).isNaN();
        assertThat(output).containsOnlyOnce("Model 'mystery' has no price");
        assertThat(new PriceTable(Map.of()).cost(TokenUsage.of(10, 10), "gpt-4o", null)).isNaN();
    }

    @Test
    void requestModelIsPricedWhenTheResponseModelHasNoPriceWithoutWarning(CapturedOutput output) {
        assertThat(this.table.find("gpt-4o-2024-11-20", "gpt-4o"))
            .isEqualTo(new PriceTable.Priced("gpt-4o", ALIAS_PRICE));
        assertThat(this.table.find(null, "gpt-4o")).isEqualTo(new PriceTable.Priced("gpt-4o", ALIAS_PRICE));
        assertThat(output).doesNotContain("has no price");
    }

    @Test
    void unpricedModelIsWarnedAboutOnceNamingTheKeys(CapturedOutput output) {
        for (int i = 0; i < 3; i++) {
            assertThat(this.table.find(null, "mystery")).isNull();
        }
        assertThat(this.table.find("other", null)).isNull();
        assertThat(occurrences(output, "Model 'mystery' has no price")).isOne();
        assertThat(occurrences(output, "Model 'other' has no price")).isOne();
        assertThat(output).contains("inferlens.pricing.models[mystery].input and .output");
    }

    @Test
    void unpricedModelIsWarnedAboutOnceByManyThreads(CapturedOutput output) throws Exception {
        int threads = 16;
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                futures.add(executor.submit(() -> {
                    start.await();
                    for (int j = 0; j < 100; j++) {
                        this.table.find("raced-" + j, null);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : futures) {
                future.get(10, TimeUnit.SECONDS);
            }
        }
        finally {
            executor.shutdownNow();
        }
        for (int j = 0; j < 100; j++) {
            assertThat(occurrences(output, "Model 'raced-" + j + "' has no price")).as("raced-" + j).isOne();
        }
    }

    @Test
    void warningsStopAfterTheMaximumNumberOfModels(CapturedOutput output) {
        for (int i = 0; i < PriceTable.MAX_WARNED_MODELS; i++) {
            this.table.find("model-" + i, null);
        }
        this.table.find("one-too-many", null);
        assertThat(occurrences(output, "has no price")).isEqualTo(PriceTable.MAX_WARNED_MODELS);
        assertThat(occurrences(output, "Further models without a price are not reported")).isOne();
        assertThat(output).doesNotContain("one-too-many");
    }

    @Test
    void modelNameIsLoggedWithoutSecretsControlCharactersOrItsFullLength(CapturedOutput output) {
        this.table.find("sk-live-0123456789abcdefghij", null);
        this.table.find("forged\nERROR line\u0007", null);
        this.table.find("m".repeat(5_000), null);
        assertThat(output).doesNotContain("0123456789abcdefghij")
            .contains("Model '****' has no price")
            .contains("Model 'forged?ERROR line?' has no price")
            .doesNotContain("m".repeat(200));
    }

    @Test
    void noModelNoPriceAndNoWarning(CapturedOutput output) {
        assertThat(this.table.find(null, null)).isNull();
        assertThat(PriceTable.EMPTY.isEmpty()).isTrue();
        assertThat(this.table.isEmpty()).isFalse();
        assertThat(output).doesNotContain("has no price");
    }

    private static int occurrences(CapturedOutput output, String text) {
        return output.getOut().split(Pattern.quote(text), -1).length - 1;
    }

}
