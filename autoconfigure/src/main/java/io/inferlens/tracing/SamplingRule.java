package io.inferlens.tracing;

/**
 * A sampling rule: the probability with which a trace whose root span has a matching name
 * is sampled. The pattern is the exact span name or contains {@code *} wildcards that
 * match any run of characters, empty included ({@code chat *}, {@code http post /v1/*});
 * matching is case-sensitive, as span names are. The sampler sees the name a span has
 * when it starts: Spring's HTTP server spans are then named {@code http post}, the route
 * ({@code http post /v1/chat}) being known only later.
 *
 * @param pattern the span name pattern, not blank
 * @param probability the probability, between 0 and 1 inclusive
 * @author Inferlens
 */
public record SamplingRule(String pattern, double probability) {

    /**
     * Create a rule.
     * @param pattern the span name pattern, not blank
     * @param probability the probability, between 0 and 1 inclusive
     */
    public SamplingRule {
        if (pattern.isBlank()) {
            throw new IllegalArgumentException("Sampling rule pattern must not be blank");
        }
        if (!(probability >= 0.0 && probability <= 1.0)) {
            throw new IllegalArgumentException(
                    "Sampling rule probability must be between 0 and 1, but was " + probability + " for " + pattern);
        }
    }

    /**
     * Whether a span name matches the pattern of this rule.
     * @param name the span name
     * @return whether it matches
     */
    public boolean matches(String name) {
        // Iterative glob matching with backtracking to the last star: linear in practice,
        // no allocation, no regular expression on the span start path.
        String pattern = this.pattern;
        int p = 0;
        int n = 0;
        int star = -1;
        int resume = 0;
        while (n < name.length()) {
            if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                resume = n;
            }
            else if (p < pattern.length() && pattern.charAt(p) == name.charAt(n)) {
                p++;
                n++;
            }
            else if (star >= 0) {
                p = star + 1;
                n = ++resume;
            }
            else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }

    @Override
    public String toString() {
        return "'" + this.pattern + "'=" + this.probability;
    }

}
