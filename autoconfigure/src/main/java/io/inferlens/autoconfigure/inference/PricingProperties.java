package io.inferlens.autoconfigure.inference;

import java.util.LinkedHashMap;
import java.util.Map;

import io.inferlens.inference.ModelPrice;
import io.inferlens.inference.PriceTable;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Prices of models, in US dollars per million tokens, from which the cost of each model
 * call is computed. A model name with dots must be in brackets:
 * {@code inferlens.pricing.models.[gpt-4.1].input=2.00}. Validated at startup: a negative
 * or missing input or output price fails it, naming the key.
 *
 * @author Inferlens
 */
@ConfigurationProperties("inferlens.pricing")
public class PricingProperties implements Validator {

    /**
     * Prices by model name, as in gen_ai.request.model or gen_ai.response.model.
     */
    private final Map<String, Price> models = new LinkedHashMap<>();

    public Map<String, Price> getModels() {
        return this.models;
    }

    /**
     * The price table these properties describe.
     * @return the table
     */
    public PriceTable toPriceTable() {
        Map<String, ModelPrice> prices = new LinkedHashMap<>();
        this.models.forEach((model, price) -> prices.put(model, new ModelPrice(price.getInput(), price.getOutput(),
                (price.getCachedInput() != null) ? price.getCachedInput() : Double.NaN)));
        return new PriceTable(prices);
    }

    @Override
    public boolean supports(Class<?> type) {
        return PricingProperties.class.isAssignableFrom(type);
    }

    @Override
    public void validate(Object target, Errors errors) {
        ((PricingProperties) target).models.forEach((model, price) -> {
            String key = "inferlens.pricing.models[" + model + "]";
            check(errors, key + ".input", price.getInput(), true);
            check(errors, key + ".output", price.getOutput(), true);
            check(errors, key + ".cached-input", price.getCachedInput(), false);
        });
    }

    private static void check(Errors errors, String key, @Nullable Double price, boolean required) {
        if (price == null) {
            if (required) {
                errors.reject("inferlens.pricing.missing", key + " is required: US dollars per million tokens");
            }
        }
        else if (!(price >= 0) || price.isInfinite()) {
            errors.reject("inferlens.pricing.negative",
                    key + " must be a non-negative number of US dollars per million tokens, was " + price);
        }
    }

    /**
     * Price of one model, in US dollars per million tokens.
     */
    public static class Price {

        /**
         * Price of a million input tokens, in US dollars.
         */
        private @Nullable Double input;

        /**
         * Price of a million output tokens, in US dollars.
         */
        private @Nullable Double output;

        /**
         * Price of a million input tokens read from the provider's cache, in US dollars.
         * When not set, they are charged at the input price.
         */
        private @Nullable Double cachedInput;

        public @Nullable Double getInput() {
            return this.input;
        }

        public void setInput(@Nullable Double input) {
            this.input = input;
        }

        public @Nullable Double getOutput() {
            return this.output;
        }

        public void setOutput(@Nullable Double output) {
            this.output = output;
        }

        public @Nullable Double getCachedInput() {
            return this.cachedInput;
        }

        public void setCachedInput(@Nullable Double cachedInput) {
            this.cachedInput = cachedInput;
        }

    }

}
