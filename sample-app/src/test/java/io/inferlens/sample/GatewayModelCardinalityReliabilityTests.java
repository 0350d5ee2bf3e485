package io.inferlens.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;

import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;
import org.springframework.boot.micrometer.tracing.test.autoconfigure.AutoConfigureTracing;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 10,000 chat requests over real HTTP, each naming a different model, which the gateway
 * passes to its backend (the simulated model, which answers any name). Every Prometheus
 * meter that carries a model, provider, target or circuit-breaker name keeps at most
 * {@code inferlens.metrics.max-tag-values} (100) distinct values plus {@code other}, and
 * the {@code inferlens} endpoint's per-model statistics stay bounded too.
 * <p>
 * Long (10,000 requests): it runs in the {@code reliability} Maven profile, which
 * {@code .ci/run} enables.
 *
 * @author Inferlens
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "server.address=127.0.0.1", "gateway.simulator.latency=0ms", "gateway.cache.size=0",
                "management.tracing.sampling.probability=0.01", "inferlens.request-logging.enabled=false" })
@AutoConfigureTracing
@AutoConfigureMetrics
class GatewayModelCardinalityReliabilityTests {

    private static final int MODELS = 10_000;

    private static final int CAP = 100;

    /** Labels whose values come from callers. */
    private static final Set<String> CALLER_LABELS = Set.of("gen_ai_request_model", "gen_ai_response_model", "model",
            "target", "name", "provider", "gen_ai_provider_name");

    private static final Pattern SERIES = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)\\{(.*)\\} ");

    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @LocalServerPort
    private int port;

    @Test
    void tenThousandModelNamesKeepEveryMeterAtTheCap() throws Exception {
        // Past the cap after the first 1,000 models: from then on no series may appear.
        send(0, 1_000);
        // The first scrape adds the series of its own request.
        get("/actuator/prometheus");
        Set<String> seriesAfterOneThousand = identities(callerLabelled(series(get("/actuator/prometheus"))));
        send(1_000, MODELS);
        String scrape = get("/actuator/prometheus");
        List<String> series = series(scrape);
        // Only series with a caller label: the JVM's own may legitimately appear (a new
        // GC cause) while 9,000 requests are served.
        Set<String> added = identities(callerLabelled(series));
        added.removeAll(seriesAfterOneThousand);
        assertThat(added).isEmpty();
        // Distinct values of each caller label, per meter (histogram series share the
        // meter's name without _bucket, _count, _sum and _max).
        Map<String, Set<String>> values = new HashMap<>();
        for (String line : series) {
            Matcher matcher = SERIES.matcher(line);
            assertThat(matcher.find()).isTrue();
            String meter = matcher.group(1).replaceAll("_(bucket|count|sum|max|total)$", "");
            Matcher label = LABEL.matcher(matcher.group(2));
            while (label.find()) {
                if (CALLER_LABELS.contains(label.group(1))) {
                    values.computeIfAbsent(meter + " " + label.group(1), (key) -> new HashSet<>()).add(label.group(2));
                }
            }
        }
        assertThat(values).containsKeys("gen_ai_client_operation_duration_seconds gen_ai_request_model",
                "gen_ai_client_token_usage gen_ai_request_model", "inferlens_circuit_breaker_state name");
        assertThat(values)
            .allSatisfy((meter, distinct) -> assertThat(distinct).as(meter).hasSizeLessThanOrEqualTo(CAP + 1));
        assertThat(values.get("gen_ai_client_operation_duration_seconds gen_ai_request_model")).contains("other")
            .hasSize(CAP + 1);
        assertThat(scrape).doesNotContain("model-09999");

        String summary = get("/actuator/inferlens");
        assertThat(JsonPath.<List<Object>>read(summary, "$.models")).hasSizeLessThanOrEqualTo(CAP + 1);
        assertThat(JsonPath.<List<Object>>read(summary, "$.circuitBreakers")).hasSizeLessThanOrEqualTo(CAP + 1);
    }

    /**
     * Send chat requests for models {@code from} to {@code to} (exclusive) from four
     * clients, each answered with a 200.
     */
    private void send(int from, int to) throws Exception {
        AtomicInteger next = new AtomicInteger(from);
        AtomicInteger answered = new AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(4);
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            futures.add(clients.submit(() -> {
                for (int n = next.getAndIncrement(); n < to; n = next.getAndIncrement()) {
                    HttpResponse<String> response = this.http.send(chat(String.format("model-%05d", n)),
                            HttpResponse.BodyHandlers.ofString());
                    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                    answered.incrementAndGet();
                }
                return null;
            }));
        }
        try {
            for (Future<?> future : futures) {
                future.get(5, TimeUnit.MINUTES);
            }
        }
        finally {
            clients.shutdownNow();
        }
        assertThat(answered).hasValue(to - from);
    }

    private static List<String> callerLabelled(List<String> series) {
        return series.stream().filter((line) -> {
            Matcher label = LABEL.matcher(line);
            while (label.find()) {
                if (CALLER_LABELS.contains(label.group(1))) {
                    return true;
                }
            }
            return false;
        }).toList();
    }

    private static Set<String> identities(List<String> series) {
        Set<String> identities = new HashSet<>();
        for (String line : series) {
            identities.add(line.substring(0, line.lastIndexOf('}') + 1));
        }
        return identities;
    }

    private static List<String> series(String scrape) {
        return Arrays.stream(scrape.split("\n")).filter((line) -> SERIES.matcher(line).find()).toList();
    }

    private HttpRequest chat(String model) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/v1/chat/completions"))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers
                .ofString("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"))
            .build();
    }

    private String get(String path) throws Exception {
        HttpResponse<String> response = this.http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path).isEqualTo(200);
        return response.body();
    }

}
