package io.inferlens.inference;

/**
 * Price of a model's tokens, in US dollars per million tokens.
 *
 * @param input price of a million input tokens
 * @param output price of a million output tokens
 * @param cachedInput price of a million input tokens read from the provider's cache;
 * {@code NaN} to charge them as other input tokens
 * @author Inferlens
 */
public record ModelPrice(double input, double output, double cachedInput) {

    /**
     * Create a price.
     * @param input price of a million input tokens
     * @param output price of a million output tokens
     * @param cachedInput price of a million cached input tokens, or {@code NaN}
     * @throws IllegalArgumentException if a price is negative or not finite
     */
    public ModelPrice {
        check("input", input);
        check("output", output);
        if (!Double.isNaN(cachedInput)) {
            check("cached-input", cachedInput);
        }
    }

    /**
     * A price that charges cached input tokens as other input tokens.
     * @param input price of a million input tokens
     * @param output price of a million output tokens
     * @return the price
     */
    public static ModelPrice of(double input, double output) {
        return new ModelPrice(input, output, Double.NaN);
    }

    /**
     * Cost of the given usage, in US dollars. Cached input tokens, counted within the
     * input tokens as the GenAI conventions say, are charged at the cached-input price;
     * unknown counts cost nothing.
     * @param usage the usage
     * @return the cost
     */
    public double cost(TokenUsage usage) {
        long input = Math.max(usage.inputTokens(), 0);
        long cached = Math.min(Math.max(usage.cacheReadInputTokens(), 0), input);
        long output = Math.max(usage.outputTokens(), 0);
        double cachedPrice = Double.isNaN(this.cachedInput) ? this.input : this.cachedInput;
        return ((input - cached) * this.input + cached * cachedPrice + output * this.output) / 1_000_000.0;
    }

    private static void check(String name, double price) {
        if (!(price >= 0) || Double.isInfinite(price)) {
            throw new IllegalArgumentException("The " + name
                    + " price must be a non-negative number of US dollars per million tokens, was " + price);
        }
    }

}
