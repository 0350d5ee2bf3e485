package io.inferlens.sample;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.inferlens.inference.DefaultInferenceObservationConvention;
import io.inferlens.inference.InferenceObservationContext;
import io.inferlens.inference.InferenceObservationConvention;
import io.inferlens.routing.DefaultRoutingObservationConvention;
import io.inferlens.routing.RoutingObservationContext;
import io.inferlens.routing.RoutingObservationConvention;
import io.micrometer.common.KeyValues;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;
import org.springframework.boot.micrometer.tracing.test.autoconfigure.AutoConfigureTracing;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A user's observation convention changes spans and Prometheus series alike: the gateway
 * with an {@link InferenceObservationConvention} bean that adds a {@code gateway.tier}
 * key to model calls, and a {@link RoutingObservationConvention} bean that adds a
 * {@code team} key to routing calls and stages. Each key is an attribute of the spans and
 * a label of the series those observations record (duration, tokens, cost, routing
 * requests, decisions and stages), read from {@code /actuator/prometheus} over real HTTP.
 *
 * @author Inferlens
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "server.address=127.0.0.1", "gateway.simulator.latency=5ms" })
@AutoConfigureTracing
@AutoConfigureMetrics
@Import({ SpanCollectionConfiguration.class, GatewayConventionIntegrationTests.Conventions.class })
class GatewayConventionIntegrationTests {

    @LocalServerPort
    private int port;

    @Autowired
    private InMemorySpanExporter spans;

    @Test
    void conventionKeysAreSpanAttributesAndSeriesLabels() {
        RestClient client = RestClient.create("http://127.0.0.1:" + this.port);
        client.post()
            .uri("/v1/chat/completions")
            .contentType(MediaType.APPLICATION_JSON)
            .body(Map.of("model", "auto", "messages",
                    List.of(Map.of("role", "user", "content", "Hi there " + UUID.randomUUID()))))
            .retrieve()
            .toBodilessEntity();
        await().atMost(Duration.ofSeconds(10))
            .untilAsserted(() -> assertThat(this.spans.getFinishedSpanItems()).extracting(SpanData::getName)
                .contains("chat sim-small", "routing_request", "policy_selection"));
        List<SpanData> finished = this.spans.getFinishedSpanItems();
        assertThat(attribute(finished, "chat sim-small", "gateway.tier")).isEqualTo("lightweight");
        assertThat(attribute(finished, "routing_request", "team")).isEqualTo("search");
        assertThat(attribute(finished, "policy_selection", "team")).isEqualTo("search");
        String scrape = client.get().uri("/actuator/prometheus").retrieve().body(String.class);
        assertThat(value(scrape, "gen_ai_client_operation_duration_seconds_count", "gateway_tier", "lightweight"))
            .isPositive();
        assertThat(value(scrape, "gen_ai_client_token_usage_count", "gateway_tier", "lightweight")).isPositive();
        assertThat(value(scrape, "inferlens_inference_cost_usd_total", "gateway_tier", "lightweight")).isPositive();
        assertThat(value(scrape, "inferlens_routing_requests_total", "team", "search")).isPositive();
        assertThat(value(scrape, "inferlens_routing_decisions_total", "team", "search")).isPositive();
        assertThat(value(scrape, "inferlens_routing_stage_duration_seconds_count", "team", "search")).isPositive();
        // Without the convention's key, no series of these meters is left.
        assertThat(scrape.lines().filter((line) -> line.startsWith("gen_ai_client_operation_duration_seconds_count{")))
            .isNotEmpty()
            .allSatisfy((line) -> assertThat(line).contains("gateway_tier="));
    }

    /**
     * Sum of the series of a meter with a label of the given value.
     */
    private static double value(String scrape, String name, String label, String value) {
        Matcher matcher = Pattern.compile("(?m)^" + name + "\\{[^}]*" + label + "=\"" + value + "\"[^}]*\\} (\\S+)")
            .matcher(scrape);
        double sum = 0;
        boolean found = false;
        while (matcher.find()) {
            sum += Double.parseDouble(matcher.group(1));
            found = true;
        }
        assertThat(found).as("%s{%s=\"%s\"} in the scrape", name, label, value).isTrue();
        return sum;
    }

    private static Object attribute(List<SpanData> spans, String name, String key) {
        return spans.stream()
            .filter((span) -> span.getName().equals(name))
            .findFirst()
            .orElseThrow(() -> new AssertionError("No span named " + name))
            .getAttributes()
            .get(AttributeKey.stringKey(key));
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class Conventions {

        @Bean
        InferenceObservationConvention tieredInferenceConvention() {
            return new TieredInferenceConvention();
        }

        @Bean
        RoutingObservationConvention teamRoutingConvention() {
            return new TeamRoutingConvention();
        }

    }

    /**
     * The default key-values and the tier of the model asked.
     */
    static class TieredInferenceConvention extends DefaultInferenceObservationConvention {

        @Override
        public KeyValues getLowCardinalityKeyValues(InferenceObservationContext context) {
            String tier = "sim-large".equals(context.getRequestModel()) ? "powerful" : "lightweight";
            return super.getLowCardinalityKeyValues(context).and("gateway.tier", tier);
        }

    }

    /**
     * The default key-values and the team that owns the router.
     */
    static class TeamRoutingConvention extends DefaultRoutingObservationConvention {

        @Override
        public KeyValues getLowCardinalityKeyValues(RoutingObservationContext context) {
            return super.getLowCardinalityKeyValues(context).and("team", "search");
        }

    }

}
