package io.inferlens.spring.actuate;

import java.time.Duration;

import io.inferlens.traces.TraceQuery;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.convert.DurationStyle;

/**
 * Turns the query parameters of {@code GET /actuator/inferlens/traces} into a
 * {@link TraceQuery}; a bad value is a {@code 400} naming the parameter.
 *
 * @author Inferlens
 */
final class TraceQueryParameters {

    /**
     * How many traces a query returns at most, whatever its {@code limit}.
     */
    static final int MAX_LIMIT = 1000;

    // Far longer than any trace, and far from the overflow of Duration.toNanos().
    private static final Duration MAX_SLOWER_THAN = Duration.ofDays(365);

    private static final String CONVERSATION_ATTRIBUTE = "gen_ai.conversation.id";

    private TraceQueryParameters() {
    }

    static TraceQuery query(@Nullable Boolean errors, @Nullable String slowerThan, @Nullable String model,
            @Nullable String conversation, @Nullable String attribute, @Nullable Integer limit) {
        TraceQuery query = TraceQuery.all();
        if (Boolean.TRUE.equals(errors)) {
            query = query.withErrorsOnly();
        }
        if (slowerThan != null && !slowerThan.isBlank()) {
            query = query.withSlowerThan(duration(slowerThan));
        }
        if (model != null && !model.isEmpty()) {
            query = query.withModel(model);
        }
        if (conversation != null && !conversation.isEmpty()) {
            query = query.withAttribute(CONVERSATION_ATTRIBUTE, conversation);
        }
        if (attribute != null && !attribute.isEmpty()) {
            int equals = attribute.indexOf('=');
            if (equals < 1) {
                throw new InvalidEndpointRequestException(
                        "Parameter 'attribute' must be key=value, but was '" + attribute + "'", "Bad attribute");
            }
            query = query.withAttribute(attribute.substring(0, equals), attribute.substring(equals + 1));
        }
        if (limit != null) {
            if (limit < 1) {
                throw new InvalidEndpointRequestException("Parameter 'limit' must be at least 1, but was " + limit,
                        "Bad limit");
            }
            query = query.withLimit(Math.min(limit, MAX_LIMIT));
        }
        return query;
    }

    private static Duration duration(String value) {
        Duration duration;
        try {
            duration = DurationStyle.detectAndParse(value.trim());
        }
        catch (IllegalArgumentException ex) {
            throw new InvalidEndpointRequestException("Parameter 'slowerThan' must be a duration such as 500ms, 2s or"
                    + " PT1S, or a number of milliseconds, but was '" + value + "'", "Bad duration");
        }
        if (duration.isNegative()) {
            throw new InvalidEndpointRequestException("Parameter 'slowerThan' must not be negative, but was " + value,
                    "Bad duration");
        }
        if (duration.compareTo(MAX_SLOWER_THAN) > 0) {
            throw new InvalidEndpointRequestException(
                    "Parameter 'slowerThan' must be at most " + MAX_SLOWER_THAN.toDays() + " days, but was " + value,
                    "Bad duration");
        }
        return duration;
    }

}
