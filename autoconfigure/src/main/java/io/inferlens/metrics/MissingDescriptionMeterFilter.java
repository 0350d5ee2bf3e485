package io.inferlens.metrics;

import java.util.Map;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;

/**
 * Gives a description to well-known meters that Spring registers without one (the HTTP
 * server and client request timers of Spring's observations, Tomcat's session meters), so
 * that every series of a Prometheus scrape has its {@code # HELP} text and
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
            Map.entry("tomcat.sessions.rejected", "Tomcat sessions rejected because there were too many"));

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
