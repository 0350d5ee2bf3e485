package io.inferlens.metrics;

import java.util.Map;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;

/**
 * Gives a description to well-known meters that Spring registers without one (the HTTP
 * server and client request timers of Spring's observations, Tomcat's session meters, the
 * timers of Spring AI's observations and of the OkHttp client of OpenAI's SDK), so that
 * every series of a Prometheus scrape has its {@code # HELP} text and
 * {@code promtool check metrics} finds none missing. A meter that has a description keeps
 * it.
 *
 * @author Inferlens
 */
public class MissingDescriptionMeterFilter implements MeterFilter {

    private static final Map<String, String> DESCRIPTIONS = Map.ofEntries(
            Map.entry("http.server.requests", "Duration of HTTP server request handling"),
            Map.entry("http.server.requests.active", "HTTP server requests in progress"),
            Map.entry("http.client.requests", "Duration of HTTP client requests"),
            Map.entry("http.client.requests.active", "HTTP client requests in progress"),
            Map.entry("tomcat.sessions.active.current", "Tomcat sessions active now"),
            Map.entry("tomcat.sessions.active.max", "Most Tomcat sessions active at once"),
            Map.entry("tomcat.sessions.alive.max", "Longest time a Tomcat session was alive"),
            Map.entry("tomcat.sessions.created", "Tomcat sessions created"),
            Map.entry("tomcat.sessions.expired", "Tomcat sessions expired"),
            Map.entry("tomcat.sessions.rejected", "Tomcat sessions rejected because there were too many"),
            Map.entry("okhttp.requests", "Duration of OkHttp client requests"),
            Map.entry("okhttp.requests.active", "OkHttp client requests in progress"),
            Map.entry("gen_ai.client.operation", "Duration of Spring AI model calls"),
            Map.entry("gen_ai.client.operation.active", "Spring AI model calls in progress"),
            Map.entry("spring.ai.chat.client", "Duration of Spring AI ChatClient calls"),
            Map.entry("spring.ai.chat.client.active", "Spring AI ChatClient calls in progress"),
            Map.entry("spring.ai.advisor", "Duration of Spring AI advisors"),
            Map.entry("spring.ai.advisor.active", "Spring AI advisors in progress"),
            Map.entry("spring.ai.tool", "Duration of Spring AI tool executions"),
            Map.entry("spring.ai.tool.active", "Spring AI tool executions in progress"),
            Map.entry("db.vector.client.operation", "Duration of Spring AI vector store operations"),
            Map.entry("db.vector.client.operation.active", "Spring AI vector store operations in progress"));

    @Override
    public Meter.Id map(Meter.Id id) {
        String description = id.getDescription();
        if (description != null && !description.isEmpty()) {
            return id;
        }
        String known = DESCRIPTIONS.get(id.getName());
        if (known == null) {
            return id;
        }
        return new Meter.Id(id.getName(), Tags.of(id.getTagsAsIterable()), id.getBaseUnit(), known, id.getType());
    }

}
