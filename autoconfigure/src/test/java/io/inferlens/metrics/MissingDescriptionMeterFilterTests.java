package io.inferlens.metrics;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MissingDescriptionMeterFilter}.
 *
 * @author Inferlens
 */
class MissingDescriptionMeterFilterTests {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    MissingDescriptionMeterFilterTests() {
        this.registry.config().meterFilter(new MissingDescriptionMeterFilter());
    }

    @Test
    void knownMeterWithoutDescriptionGetsOneAndKeepsItsTagsAndUnit() {
        Timer timer = Timer.builder("http.server.requests").tag("uri", "/chat").register(this.registry);
        timer.record(java.time.Duration.ofMillis(5));
        assertThat(timer.getId().getDescription()).isEqualTo("Duration of HTTP server request handling");
        assertThat(timer.getId().getTag("uri")).isEqualTo("/chat");
        assertThat(this.registry.get("http.server.requests").tag("uri", "/chat").timer().count()).isOne();
    }

    @Test
    void meterWithADescriptionKeepsIt() {
        Timer timer = Timer.builder("http.server.requests").description("mine").register(this.registry);
        assertThat(timer.getId().getDescription()).isEqualTo("mine");
    }

    @Test
    void unknownMeterIsLeftAlone() {
        Timer timer = Timer.builder("gateway.route").register(this.registry);
        assertThat(timer.getId().getDescription()).isNull();
    }

}
