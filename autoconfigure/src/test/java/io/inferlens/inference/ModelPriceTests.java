package io.inferlens.inference;

import java.util.List;

import org.junit.jupiter.api.Test;

import static io.inferlens.inference.TokenUsage.UNKNOWN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.within;

/**
 * Tests for {@link ModelPrice}.
 *
 * @author Inferlens
 */
class ModelPriceTests {

    @Test
    void costIsPricedPerMillionTokens() {
        assertThat(ModelPrice.of(3, 15).cost(TokenUsage.of(1_000_000, 2_000_000))).isCloseTo(33.0, within(1e-9));
        assertThat(ModelPrice.of(3, 15).cost(TokenUsage.of(1200, 300))).isCloseTo(0.0081, within(1e-12));
    }

    @Test
    void cachedInputIsChargedAtTheInputPriceWhenItHasNoPriceOfItsOwn() {
        TokenUsage usage = usage(1000, 0, 400);
        assertThat(ModelPrice.of(2, 8).cost(usage)).isCloseTo(1000 * 2 / 1e6, within(1e-12));
    }

    @Test
    void cachedInputIsChargedAtItsOwnPriceAndTheRestOfTheInputAtTheInputPrice() {
        TokenUsage usage = usage(1000, 100, 400);
        assertThat(new ModelPrice(2, 8, 0.5).cost(usage)).isCloseTo((600 * 2 + 400 * 0.5 + 100 * 8) / 1e6,
                within(1e-12));
    }

    @Test
    void cachedTokensBeyondTheInputTokensAreClampedToThem() {
        assertThat(new ModelPrice(2, 8, 0.5).cost(usage(100, 0, 500))).isCloseTo(100 * 0.5 / 1e6, within(1e-12));
    }

    @Test
    void unknownCountsCostNothing() {
        ModelPrice price = new ModelPrice(2, 8, 0.5);
        assertThat(price.cost(TokenUsage.NONE)).isZero();
        assertThat(price.cost(usage(UNKNOWN, 50, UNKNOWN))).isCloseTo(50 * 8 / 1e6, within(1e-12));
        assertThat(price.cost(usage(UNKNOWN, UNKNOWN, 300))).isZero();
        assertThat(price.cost(usage(1000, UNKNOWN, UNKNOWN))).isCloseTo(1000 * 2 / 1e6, within(1e-12));
    }

    @Test
    void negativeNanOrInfinitePricesAreRejectedNamingThePrice() {
        assertThatIllegalArgumentException().isThrownBy(() -> ModelPrice.of(-1, 1))
            .withMessage("The input price must be a non-negative number of US dollars per million tokens, was -1.0");
        assertThatIllegalArgumentException().isThrownBy(() -> ModelPrice.of(Double.NaN, 1))
            .withMessageContaining("The input price")
            .withMessageEndingWith("was NaN");
        assertThatIllegalArgumentException().isThrownBy(() -> ModelPrice.of(1, -0.01))
            .withMessageContaining("The output price");
        assertThatIllegalArgumentException().isThrownBy(() -> ModelPrice.of(1, Double.NaN))
            .withMessageContaining("The output price");
        assertThatIllegalArgumentException().isThrownBy(() -> ModelPrice.of(Double.POSITIVE_INFINITY, 1))
            .withMessageEndingWith("was Infinity");
        assertThatIllegalArgumentException().isThrownBy(() -> new ModelPrice(1, 1, -2))
            .withMessageContaining("The cached-input price");
        assertThatIllegalArgumentException().isThrownBy(() -> new ModelPrice(1, 1, Double.POSITIVE_INFINITY))
            .withMessageContaining("The cached-input price");
    }

    @Test
    void freeModelsAndAMissingCachedPriceAreAccepted() {
        assertThatNoException().isThrownBy(() -> new ModelPrice(0, 0, 0));
        assertThatNoException().isThrownBy(() -> new ModelPrice(1, 1, Double.NaN));
    }

    private static TokenUsage usage(long input, long output, long cached) {
        return new TokenUsage(input, output, cached, null, List.of());
    }

}
