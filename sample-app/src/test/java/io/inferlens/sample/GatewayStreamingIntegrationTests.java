package io.inferlens.sample;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import io.inferlens.inference.InferenceRecord;
import io.inferlens.inference.InferenceRecordListener;
import io.inferlens.sample.gateway.GatewayProperties;
import io.inferlens.sample.simulator.SimulatedModelController;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;
import org.springframework.boot.micrometer.tracing.test.autoconfigure.AutoConfigureTracing;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Streamed chat completions through the sample gateway over real HTTP: the gateway relays
 * its backend's server-sent events (the simulated model it serves itself, called over
 * Reactor Netty) as they arrive, and Inferlens observes the stream from its first chunk
 * to its end, its failure or the client going away.
 *
 * @author Inferlens
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "server.address=127.0.0.1", "gateway.simulator.latency=5ms", "gateway.cache.size=0" })
@AutoConfigureTracing
@AutoConfigureMetrics
@Import({ SpanCollectionConfiguration.class, GatewayStreamingIntegrationTests.Observed.class })
class GatewayStreamingIntegrationTests {

    static final String LONG_QUESTION = "Explain step by step why the sky is blue, and compare it with sunsets.";

    private static final AttributeKey<Long> INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");

    private static final AttributeKey<Long> OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");

    private static final AttributeKey<Double> COST = AttributeKey.doubleKey("gen_ai.usage.cost");

    private static final AttributeKey<Double> TIME_TO_FIRST_CHUNK = AttributeKey
        .doubleKey("gen_ai.response.time_to_first_chunk");

    private static final AttributeKey<List<String>> FINISH_REASONS = AttributeKey
        .stringArrayKey("gen_ai.response.finish_reasons");

    private static final AttributeKey<Boolean> CANCELLED = AttributeKey.booleanKey("inferlens.cancelled");

    @LocalServerPort
    private int port;

    @Autowired
    private InMemorySpanExporter spans;

    @Autowired
    private Observed observed;

    @Autowired
    private SimulatedModelController simulator;

    @Autowired
    private GatewayProperties properties;

    @Autowired
    private MeterRegistry meters;

    private final JsonMapper json = JsonMapper.builder().build();

    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void setUp() {
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> this.simulator.activeStreams() == 0);
        this.spans.reset();
        this.observed.records.clear();
    }

    @AfterEach
    void restoreTheSimulator() {
        GatewayProperties.Simulator simulator = this.properties.getSimulator();
        simulator.setChunkDelay(Duration.ofMillis(10));
        simulator.setFailStreamsAfter(0);
        simulator.setErrorRate(0);
    }

    @Test
    void chunksAreRelayedAsTheBackendProducesThemAndTheStreamEndsWithDone() throws Exception {
        this.properties.getSimulator().setChunkDelay(Duration.ofMillis(80));
        HttpResponse<Stream<String>> response = this.http
            .send(request(body(LONG_QUESTION, false), "application/json").build(), HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
            .hasValueSatisfying((contentType) -> assertThat(contentType).startsWith("text/event-stream"));
        List<String> data = new ArrayList<>();
        List<Long> arrivals = new ArrayList<>();
        int backendStreamsAtFirstChunk = -1;
        Iterator<String> lines = response.body().iterator();
        while (lines.hasNext()) {
            String line = lines.next();
            if (line.startsWith("data:")) {
                if (data.isEmpty()) {
                    backendStreamsAtFirstChunk = this.simulator.activeStreams();
                }
                data.add(line.substring(5).strip());
                arrivals.add(System.nanoTime());
            }
        }
        // the first chunk reached the client while the backend was still producing
        assertThat(backendStreamsAtFirstChunk).isEqualTo(1);
        assertThat(data).hasSizeGreaterThanOrEqualTo(4).last().isEqualTo("[DONE]");
        assertThat(Duration.ofNanos(arrivals.get(arrivals.size() - 1) - arrivals.get(0)))
            .isGreaterThanOrEqualTo(Duration.ofMillis(80 * 2));
        StringBuilder content = new StringBuilder();
        for (String chunk : data.subList(0, data.size() - 1)) {
            JsonNode node = this.json.readTree(chunk);
            assertThat(node.get("object").asString()).isEqualTo("chat.completion.chunk");
            // no usage chunk: the client did not ask for one
            assertThat(node.get("choices").size()).isOne();
            JsonNode text = node.get("choices").get(0).get("delta").get("content");
            if (text != null) {
                content.append(text.asString());
            }
        }
        assertThat(content.toString()).isNotBlank();
        assertThat(this.json.readTree(data.get(data.size() - 2)).get("choices").get(0).get("finish_reason").asString())
            .isEqualTo("stop");
    }

    @Test
    void streamedCallIsRecordedWithItsChunkTimesUsageFinishReasonAndCost() throws Exception {
        double chunkTimesBefore = chunkTimes();
        List<String> data = readAll(body("Hi there!", true), "text/event-stream");
        assertThat(data).last().isEqualTo("[DONE]");
        JsonNode usage = this.json.readTree(data.get(data.size() - 2)).get("usage");
        long input = usage.get("prompt_tokens").asLong();
        long output = usage.get("completion_tokens").asLong();
        assertThat(input).isPositive();
        assertThat(output).isPositive();
        InferenceRecord record = awaitRecord();
        assertThat(record.streaming()).isTrue();
        assertThat(record.cancelled()).isFalse();
        assertThat(record.errorType()).isNull();
        assertThat(record.requestModel()).isEqualTo("sim-small");
        assertThat(record.usage().inputTokens()).isEqualTo(input);
        assertThat(record.usage().outputTokens()).isEqualTo(output);
        assertThat(record.usage().finishReasons()).containsExactly("stop");
        // sim-small: 0.15 and 0.60 US dollars per million input and output tokens
        double cost = (input * 0.15 + output * 0.60) / 1_000_000;
        assertThat(record.cost()).isCloseTo(cost, within(1e-12));
        assertThat(record.timeToFirstChunkNanos()).isPositive().isLessThan(record.durationNanos());
        // every chunk after the first, the usage chunk included
        assertThat(chunkTimes() - chunkTimesBefore).isEqualTo(data.size() - 2);
        SpanData chat = awaitSpan("chat sim-small");
        assertThat(chat.getAttributes().get(INPUT_TOKENS)).isEqualTo(input);
        assertThat(chat.getAttributes().get(OUTPUT_TOKENS)).isEqualTo(output);
        assertThat(chat.getAttributes().get(FINISH_REASONS)).containsExactly("stop");
        assertThat(chat.getAttributes().get(COST)).isCloseTo(cost, within(1e-12));
        assertThat(chat.getAttributes().get(TIME_TO_FIRST_CHUNK)).isPositive();
        assertThat(chat.getAttributes().get(CANCELLED)).isNull();
        // one tree: the request, the route, its decision and the model call, the HTTP
        // call to the backend inside it
        SpanData route = awaitSpan("gateway.route");
        assertThat(chat.getParentSpanId()).isEqualTo(route.getSpanId());
        assertThat(this.spans.getFinishedSpanItems()).filteredOn((span) -> span.getName().startsWith("routing"))
            .isNotEmpty()
            .allSatisfy((span) -> assertThat(span.getParentSpanId()).isEqualTo(route.getSpanId()));
        assertThat(this.spans.getFinishedSpanItems())
            .filteredOn((span) -> span.getParentSpanId().equals(chat.getSpanId()))
            .singleElement()
            .satisfies((client) -> assertThat(client.getName()).startsWith("http post"));
        assertThat(route.getTraceId()).isEqualTo(chat.getTraceId());
    }

    @Test
    void clientThatGoesAwayEndsTheSpanAndTheBackendCallPromptly() throws Exception {
        this.properties.getSimulator().setChunkDelay(Duration.ofMillis(100));
        double cancelledBefore = cancelledCalls();
        long closed;
        try (Socket socket = new Socket("127.0.0.1", this.port)) {
            socket.setSoTimeout(10_000);
            send(socket, body(LONG_QUESTION, true));
            BufferedReader reader = new BufferedReader(
                    new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            int chunks = 0;
            String line;
            while (chunks < 2 && (line = reader.readLine()) != null) {
                if (line.startsWith("data:")) {
                    chunks++;
                }
            }
            assertThat(chunks).isEqualTo(2);
            assertThat(this.simulator.activeStreams()).isOne();
            closed = System.nanoTime();
        }
        // the gateway notices at its next write, the backend at the one after
        Awaitility.await()
            .atMost(Duration.ofSeconds(1))
            .pollInterval(Duration.ofMillis(5))
            .until(() -> this.simulator.activeStreams() == 0);
        System.out.printf("backend stream stopped %d ms after the client left (chunks 100 ms apart)%n",
                Duration.ofNanos(System.nanoTime() - closed).toMillis());
        InferenceRecord record = awaitRecord();
        Duration stopped = Duration.ofNanos(System.nanoTime() - closed);
        assertThat(stopped).isLessThan(Duration.ofSeconds(2));
        assertThat(record.cancelled()).isTrue();
        assertThat(record.errorType()).isNull();
        assertThat(record.usage().outputTokens()).as("unknown, not zero").isEqualTo(-1);
        assertThat(record.hasCost()).isFalse();
        // counted as cancelled, so that the calls without a cost are known
        assertThat(cancelledCalls() - cancelledBefore).isOne();
        SpanData chat = awaitSpan("chat sim-large");
        assertThat(chat.getAttributes().get(CANCELLED)).isTrue();
        assertThat(chat.getStatus().getStatusCode()).isNotEqualTo(StatusCode.ERROR);
        assertThat(awaitSpan("gateway.route").getAttributes().get(CANCELLED)).isTrue();
        Awaitility.await().atMost(Duration.ofSeconds(2)).until(() -> this.observed.open.isEmpty());
    }

    @Test
    void backendFailureMidStreamIsAnErrorEventThatEndsTheStreamAndAFailedSpan() throws Exception {
        this.properties.getSimulator().setFailStreamsAfter(2);
        List<String> lines = new ArrayList<>();
        HttpResponse<Stream<String>> response = this.http.send(
                request(body(LONG_QUESTION, false), "text/event-stream").timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        response.body().forEach(lines::add);
        List<String> data = lines.stream().filter((line) -> line.startsWith("data:")).toList();
        assertThat(data).hasSize(3);
        assertThat(lines).contains("event:error");
        JsonNode error = this.json.readTree(data.get(2).substring(5)).get("error");
        assertThat(error.get("type").asString()).isEqualTo("upstream_error");
        assertThat(error.get("message").asString()).contains("failed mid-stream");
        assertThat(data).noneMatch((line) -> line.contains("[DONE]"));
        InferenceRecord record = awaitRecord();
        assertThat(record.errorType()).isEqualTo("io.inferlens.sample.gateway.BackendException");
        assertThat(record.cancelled()).isFalse();
        SpanData chat = awaitSpan("chat sim-large");
        assertThat(chat.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(chat.getAttributes().get(AttributeKey.stringKey("error.type")))
            .isEqualTo("io.inferlens.sample.gateway.BackendException");
    }

    @Test
    void failureBeforeTheFirstChunkIsAnsweredWithItsStatusAndAJsonBodyWhateverTheClientAccepts() throws Exception {
        this.properties.getSimulator().setErrorRate(1.0);
        HttpResponse<String> response = this.http.send(request(body("Hi", false), "text/event-stream").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.headers().firstValue("Content-Type"))
            .hasValueSatisfying((contentType) -> assertThat(contentType).startsWith("application/json"));
        assertThat(this.json.readTree(response.body()).get("error").get("type").asString()).isEqualTo("upstream_error");
        assertThat(awaitRecord().errorType()).isEqualTo("io.inferlens.sample.gateway.BackendException");
    }

    @Test
    void invalidRequestIsA400WithAJsonBodyWhateverTheClientAccepts() throws Exception {
        for (String accept : List.of("text/event-stream", "application/json", "text/html", "image/png")) {
            for (boolean stream : List.of(true, false)) {
                String body = "{\"model\":\"auto\",\"stream\":" + stream + ",\"messages\":[]}";
                HttpResponse<String> response = this.http.send(request(body, accept).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).as(accept).isEqualTo(400);
                assertThat(this.json.readTree(response.body()).get("error").get("param").asString())
                    .isEqualTo("messages");
            }
        }
    }

    @Test
    void answerOfANonStreamedRequestIsJsonWhateverTheClientAccepts() throws Exception {
        HttpResponse<String> response = this.http.send(
                request(body("Hi", false).replace(",\"stream\":true", ""), "text/event-stream").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(this.json.readTree(response.body()).get("object").asString()).isEqualTo("chat.completion");
    }

    private double cancelledCalls() {
        return this.meters.find("inferlens.inference.cancelled")
            .tag("gen_ai.request.model", "sim-large")
            .counters()
            .stream()
            .mapToDouble((counter) -> counter.count())
            .sum();
    }

    private double chunkTimes() {
        Timer timer = this.meters.find("gen_ai.client.operation.time_per_output_chunk").timer();
        return (timer != null) ? this.meters.find("gen_ai.client.operation.time_per_output_chunk")
            .timers()
            .stream()
            .mapToLong(Timer::count)
            .sum() : 0;
    }

    private List<String> readAll(String body, String accept) throws Exception {
        HttpResponse<Stream<String>> response = this.http.send(request(body, accept).build(),
                HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body()
            .filter((line) -> line.startsWith("data:"))
            .map((line) -> line.substring(5).strip())
            .toList();
    }

    private HttpRequest.Builder request(String body, String accept) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/v1/chat/completions"))
            .header("Content-Type", "application/json")
            .header("Accept", accept)
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    static String body(String question, boolean includeUsage) {
        return "{\"model\":\"auto\",\"stream\":true"
                + (includeUsage ? ",\"stream_options\":{\"include_usage\":true}" : "")
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + question + "\"}]}";
    }

    static void send(Socket socket, String body) throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        OutputStream out = socket.getOutputStream();
        out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Accept: text/event-stream\r\nContent-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.flush();
    }

    private InferenceRecord awaitRecord() {
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !this.observed.records.isEmpty());
        assertThat(this.observed.records).hasSize(1);
        return this.observed.records.get(0);
    }

    private SpanData awaitSpan(String name) {
        Awaitility.await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> this.spans.getFinishedSpanItems().stream().anyMatch((span) -> span.getName().equals(name)));
        return this.spans.getFinishedSpanItems()
            .stream()
            .filter((span) -> span.getName().equals(name))
            .findFirst()
            .orElseThrow();
    }

    /**
     * The model calls recorded, and the observations started and not yet stopped.
     */
    @TestConfiguration(proxyBeanMethods = false)
    static class Observed {

        final List<InferenceRecord> records = new CopyOnWriteArrayList<>();

        final Set<Observation.Context> open = ConcurrentHashMap.newKeySet();

        @Bean
        InferenceRecordListener collectingListener() {
            return this.records::add;
        }

        @Bean
        ObservationHandler<Observation.Context> openObservations() {
            return new ObservationHandler<>() {

                @Override
                public void onStart(Observation.Context context) {
                    Observed.this.open.add(context);
                }

                @Override
                public void onStop(Observation.Context context) {
                    Observed.this.open.remove(context);
                }

                @Override
                public boolean supportsContext(Observation.Context context) {
                    return true;
                }

            };
        }

    }

}
