package io.inferlens.sample;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.jayway.jsonpath.JsonPath;
import io.inferlens.traces.TraceStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;
import org.springframework.boot.micrometer.tracing.test.autoconfigure.AutoConfigureTracing;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The sample gateway scraped by a real Prometheus server (Debian's {@code prometheus},
 * started here on 127.0.0.1 and a free port, scraping every second) under steady chat
 * traffic: the key series are queryable, every query of the Grafana dashboard in
 * {@code observability/grafana} returns data, {@code promtool check metrics} finds
 * nothing wrong with the scrape beyond three of Micrometer's own JVM meter names, latency
 * histograms carry trace-id exemplars in the OpenMetrics format, and the alert rules in
 * {@code observability/prometheus} pass {@code promtool test rules}.
 * <p>
 * Needs {@code prometheus} and {@code promtool}, which {@code .ci/run} installs;
 * elsewhere the test is skipped unless {@code INFERLENS_PROMETHEUS_TESTS=required}, which
 * {@code .ci/run} sets.
 *
 * @author Inferlens
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "server.address=127.0.0.1", "gateway.simulator.latency=5ms", "gateway.cache.size=0",
                // Some failed model calls, so that the error panels and series have data
                // too.
                "gateway.simulator.model-error-rates.sim-small=0.1" })
@AutoConfigureTracing
@AutoConfigureMetrics
class GatewayPrometheusIntegrationTests {

    private static final String PROMETHEUS = "/usr/bin/prometheus";

    private static final String PROMTOOL = "/usr/bin/promtool";

    private static final Path OBSERVABILITY = Path.of("..", "observability");

    /**
     * Problems {@code promtool check metrics} reports on meters of Micrometer's own JVM
     * and system binders, whose names Inferlens does not change: renaming them would
     * break every dashboard built on them.
     */
    static final List<String> MICROMETER_NAMING = List.of(
            "jvm_compilation_time_ms_total metric names should not contain abbreviated units",
            "process_cpu_time_ns_total metric names should not contain abbreviated units",
            "system_cpu_count non-histogram and non-summary metrics should not have \"_count\" suffix");

    private static Process prometheus;

    private static Path dataDirectory;

    private static int prometheusPort;

    private static Thread traffic;

    private static final AtomicBoolean running = new AtomicBoolean();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @LocalServerPort
    private int port;

    @Autowired
    private TraceStore traces;

    @BeforeAll
    static void checkInstalled() {
        boolean installed = new File(PROMETHEUS).canExecute() && new File(PROMTOOL).canExecute();
        if (!installed && "required".equals(System.getenv("INFERLENS_PROMETHEUS_TESTS"))) {
            throw new IllegalStateException(PROMETHEUS + " and " + PROMTOOL + " are required: apt-get install"
                    + " --no-install-recommends prometheus");
        }
        assumeTrue(installed, "Debian prometheus is not installed");
    }

    @BeforeEach
    void startPrometheusAndTraffic() throws Exception {
        if (prometheus != null) {
            return;
        }
        dataDirectory = Files.createTempDirectory("inferlens-prometheus");
        Path config = dataDirectory.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                rule_files:
                  - %s
                scrape_configs:
                  - job_name: gateway
                    metrics_path: /actuator/prometheus
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                """.formatted(OBSERVABILITY.resolve("prometheus/inferlens-alerts.yml").toAbsolutePath(), this.port));
        prometheusPort = freePort();
        prometheus = new ProcessBuilder(PROMETHEUS, "--config.file=" + config,
                "--storage.tsdb.path=" + dataDirectory.resolve("data"),
                "--web.listen-address=127.0.0.1:" + prometheusPort, "--enable-feature=exemplar-storage")
            .redirectErrorStream(true)
            .redirectOutput(dataDirectory.resolve("prometheus.log").toFile())
            .start();
        running.set(true);
        int appPort = this.port;
        traffic = new Thread(() -> {
            HttpClient client = HttpClient.newHttpClient();
            int i = 0;
            while (running.get()) {
                try {
                    // Short and long prompts, so that the router picks both models.
                    String prompt = (i % 2 == 0) ? "hi " + i : "Explain step by step " + "why ".repeat(60) + i;
                    String body = "{\"model\":\"auto\",\"user\":\"user-" + (i % 7) + "\",\"messages\":[{\"role\":"
                            + "\"user\",\"content\":\"" + prompt + "\"}]}";
                    client
                        .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + appPort + "/v1/chat/completions"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(), HttpResponse.BodyHandlers.discarding());
                    i++;
                    Thread.sleep(50);
                }
                catch (InterruptedException ex) {
                    return;
                }
                catch (IOException ex) {
                    // the application is stopping
                }
            }
        }, "prometheus-test-traffic");
        traffic.setDaemon(true);
        traffic.start();
        // Up, and scraped for long enough that rates over a minute have several samples.
        await().atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(500))
            .until(() -> resultCount("count_over_time(up{job=\"gateway\"}[1m]) >= 5") == 1);
    }

    @AfterAll
    static void stopPrometheus() throws Exception {
        running.set(false);
        if (traffic != null) {
            traffic.interrupt();
            traffic.join(5000);
        }
        if (prometheus != null) {
            prometheus.destroy();
            if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
                prometheus.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            prometheus = null;
        }
        if (dataDirectory != null) {
            FileSystemUtils.deleteRecursively(dataDirectory);
        }
    }

    @Test
    void keySeriesAreScraped() throws Exception {
        assertThat(query("up{job=\"gateway\"}")).as(get("http://127.0.0.1:" + prometheusPort + "/api/v1/targets"))
            .singleElement()
            .satisfies((sample) -> assertThat(value(sample)).isEqualTo(1.0));
        for (String series : List.of(
                "http_server_requests_seconds_count{application=\"inferlens-sample-gateway\",uri=\"/v1/chat/completions\",status=\"200\"}",
                "gen_ai_client_operation_duration_seconds_count{gen_ai_request_model=\"sim-small\"}",
                "gen_ai_client_token_usage_sum{gen_ai_token_type=\"output\"}",
                "inferlens_inference_cost_usd_total{gen_ai_request_model=\"sim-large\"}",
                "inferlens_routing_decisions_total{target=\"lightweight\"}",
                "inferlens_routing_decisions_total{target=\"powerful\"}",
                "inferlens_circuit_breaker_state{name=\"sim-small\"}",
                "inferlens_experiment_outcomes_total{experiment=\"routing-policy\",outcome=\"success\"}",
                "inferlens_errors_total{operation=\"chat\"}",
                "http_server_requests_seconds_count{uri=\"/v1/chat/completions\",outcome=\"SERVER_ERROR\"}")) {
            assertThat(query(series)).as(series).isNotEmpty();
        }
        assertThat(value(query("sum(inferlens_inference_cost_usd_total)").get(0))).isPositive();
    }

    @Test
    void everyDashboardQueryReturnsData() throws Exception {
        Map<String, Object> dashboard = JsonPath
            .parse(OBSERVABILITY.resolve("grafana/inferlens-dashboard.json").toFile())
            .json();
        List<Map<String, Object>> targets = JsonPath.read(dashboard, "$.panels[*].targets[*]");
        assertThat(targets).hasSizeGreaterThanOrEqualTo(14);
        // One scrape of traffic more than the shortest rate window needs.
        Thread.sleep(2000);
        List<String> empty = new ArrayList<>();
        for (Map<String, Object> target : targets) {
            // Without the fallback to zero, so that a query reading a missing series
            // fails.
            String expr = ((String) target.get("expr")).replace("$__rate_interval", "1m")
                .replace("$application", ".*")
                .replace(" or vector(0)", "");
            List<Map<String, Object>> result = query(expr);
            boolean hasNumber = result.stream().anyMatch((sample) -> Double.isFinite(value(sample)));
            if (!hasNumber) {
                empty.add(expr + " -> " + result);
            }
        }
        assertThat(empty).as("dashboard queries without data").isEmpty();
    }

    @Test
    void scrapeIsCleanForPromtool() throws Exception {
        HttpResponse<String> scrape = this.http
            .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/actuator/prometheus"))
                .header("Accept", "text/plain;version=0.0.4")
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(scrape.statusCode()).isEqualTo(200);
        Path file = Files.createTempFile("scrape", ".txt");
        try {
            Files.writeString(file, scrape.body());
            ProcessResult result = run(new ProcessBuilder(PROMTOOL, "check", "metrics").redirectInput(file.toFile()));
            List<String> problems = result.output().lines().filter((line) -> !line.isBlank()).toList();
            assertThat(problems).as(result.output()).isSubsetOf(MICROMETER_NAMING);
            // Nothing of Inferlens' own or of the requests it instruments.
            assertThat(problems).noneMatch(
                    (line) -> line.startsWith("inferlens_") || line.startsWith("gen_ai_") || line.startsWith("http_"));
        }
        finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void latencyHistogramsCarryTraceIdExemplars() throws Exception {
        // The app's OpenMetrics scrape...
        HttpResponse<String> scrape = this.http
            .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/actuator/prometheus"))
                .header("Accept", "application/openmetrics-text;version=1.0.0;charset=utf-8")
                .build(), HttpResponse.BodyHandlers.ofString());
        Matcher exemplar = Pattern
            .compile("^gen_ai_client_operation_duration_seconds_bucket\\{.*\\} \\d+ # \\{span_id=\"([0-9a-f]{16})\","
                    + "trace_id=\"([0-9a-f]{32})\"\\}", Pattern.MULTILINE)
            .matcher(scrape.body());
        assertThat(exemplar.find()).as("an exemplar on the model call latency histogram").isTrue();
        // ...names a trace the application recorded
        assertThat(this.traces.trace(exemplar.group(2))).isPresent();
        // ...and Prometheus stores exemplars of the request latency histogram.
        long end = System.currentTimeMillis() / 1000;
        String url = "http://127.0.0.1:"
                + prometheusPort + "/api/v1/query_exemplars?query=" + URLEncoder
                    .encode("http_server_requests_seconds_bucket{uri=\"/v1/chat/completions\"}", StandardCharsets.UTF_8)
                + "&start=" + (end - 300) + "&end=" + (end + 5);
        List<String> traceIds = await().atMost(Duration.ofSeconds(20))
            .until(() -> JsonPath.<List<String>>read(get(url), "$.data[*].exemplars[*].labels.trace_id"),
                    (ids) -> !ids.isEmpty());
        assertThat(traceIds).allSatisfy((id) -> assertThat(id).matches("[0-9a-f]{32}"));
    }

    @Test
    void alertRulesPassTheirUnitTests() throws Exception {
        Path rules = OBSERVABILITY.resolve("prometheus");
        ProcessResult check = run(
                new ProcessBuilder(PROMTOOL, "check", "rules", "inferlens-alerts.yml").directory(rules.toFile()));
        assertThat(check.exitCode()).as(check.output()).isZero();
        assertThat(check.output()).contains("SUCCESS: 4 rules found");
        ProcessResult test = run(
                new ProcessBuilder(PROMTOOL, "test", "rules", "inferlens-alerts.test.yml").directory(rules.toFile()));
        assertThat(test.exitCode()).as(test.output()).isZero();
        assertThat(test.output()).contains("SUCCESS");
        // The running Prometheus loaded them too.
        assertThat(JsonPath.<List<String>>read(get("http://127.0.0.1:" + prometheusPort + "/api/v1/rules"),
                "$.data.groups[*].rules[*].name"))
            .containsExactly("InferlensHighErrorRate", "InferlensCircuitBreakerOpen", "InferlensHighLatencyP95",
                    "InferlensCostBurnRate");
    }

    private List<Map<String, Object>> query(String expr) throws Exception {
        String body = get("http://127.0.0.1:" + prometheusPort + "/api/v1/query?query="
                + URLEncoder.encode(expr, StandardCharsets.UTF_8));
        assertThat(JsonPath.<String>read(body, "$.status")).as(expr + ": " + body).isEqualTo("success");
        return JsonPath.read(body, "$.data.result");
    }

    private int resultCount(String expr) {
        try {
            return query(expr).size();
        }
        catch (Exception | AssertionError ex) {
            return -1;
        }
    }

    private String get(String url) throws Exception {
        return this.http
            .send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString())
            .body();
    }

    @SuppressWarnings("unchecked")
    private static double value(Map<String, Object> sample) {
        List<Object> value = (List<Object>) sample.get("value");
        return Double.parseDouble((String) value.get(1));
    }

    private static ProcessResult run(ProcessBuilder builder) throws Exception {
        Process process = builder.redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new ProcessResult(process.exitValue(), output);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private record ProcessResult(int exitCode, String output) {

    }

}
