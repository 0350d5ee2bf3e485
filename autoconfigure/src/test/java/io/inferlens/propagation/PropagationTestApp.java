package io.inferlens.propagation;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.tracing.Tracer;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.slf4j.MDC;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

import static org.awaitility.Awaitility.await;

/**
 * A Spring MVC application on a real embedded Tomcat that, for each request to
 * {@code /in}, calls a downstream JDK HTTP server through Boot's {@link RestClient}, so
 * that tests see the server span of the incoming request and the headers of the outgoing
 * call. Requests are sent over a raw socket so that tests control every header line,
 * duplicated and empty ones included.
 *
 * @author Inferlens
 */
final class PropagationTestApp implements AutoCloseable {

    private final HttpServer downstream;

    private final BlockingQueue<Map<String, List<String>>> outgoing = new LinkedBlockingQueue<>();

    private final ConfigurableApplicationContext context;

    private final InMemorySpanExporter spans;

    private PropagationTestApp(String... properties) throws IOException {
        this.downstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        this.downstream.createContext("/", (exchange) -> {
            this.outgoing.add(Map.copyOf(exchange.getRequestHeaders()));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        this.downstream.start();
        List<String> all = new ArrayList<>(
                List.of("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
                        "management.tracing.sampling.probability=1.0", "inferlens.request-logging.enabled=false",
                        "test.downstream=http://127.0.0.1:" + this.downstream.getAddress().getPort() + "/out"));
        all.addAll(List.of(properties));
        this.context = new SpringApplicationBuilder(App.class).properties(all.toArray(String[]::new)).run();
        this.spans = this.context.getBean(Spans.class).exporter();
    }

    static PropagationTestApp start(String... properties) throws IOException {
        return new PropagationTestApp(properties);
    }

    ConfigurableApplicationContext context() {
        return this.context;
    }

    /**
     * Sends {@code GET /in} with the given header lines, in order.
     * @param headers name and value of each header line
     * @return the exchange: status, server span and outgoing headers
     */
    Exchange send(String[]... headers) throws IOException, InterruptedException {
        this.outgoing.clear();
        this.spans.reset();
        int port = ((WebServerApplicationContext) this.context).getWebServer().getPort();
        StringBuilder request = new StringBuilder("GET /in HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
        for (String[] header : headers) {
            request.append(header[0]).append(": ").append(header[1]).append("\r\n");
        }
        request.append("\r\n");
        String response;
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            response = readAll(socket.getInputStream());
        }
        int status = Integer.parseInt(response.substring(9, 12));
        if (status != 200) {
            return new Exchange(status, () -> null, null, response);
        }
        Map<String, List<String>> outgoingHeaders = this.outgoing.poll(10, TimeUnit.SECONDS);
        return new Exchange(status, this::serverSpan, outgoingHeaders, response);
    }

    /**
     * The server span of the last request, once it has ended. Looked up only when a test
     * asks for it: a request whose {@code traceparent} is not sampled records no span.
     */
    private SpanData serverSpan() {
        return await().atMost(Duration.ofSeconds(10))
            .until(() -> this.spans.getFinishedSpanItems()
                .stream()
                .filter((span) -> span.getKind() == SpanKind.SERVER)
                .findFirst()
                .orElse(null), (span) -> span != null);
    }

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        in.transferTo(bytes);
        return bytes.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() {
        this.context.close();
        this.downstream.stop(0);
    }

    record Exchange(int status, Supplier<SpanData> serverSpan, Map<String, List<String>> outgoing, String response) {

        SpanData server() {
            return this.serverSpan.get();
        }

        List<String> outgoing(String name) {
            return this.outgoing.entrySet()
                .stream()
                .filter((entry) -> entry.getKey().equalsIgnoreCase(name))
                .flatMap((entry) -> entry.getValue().stream())
                .toList();
        }

        String outgoingTraceparent() {
            List<String> values = outgoing("traceparent");
            return (values.size() == 1) ? values.get(0) : String.valueOf(values);
        }

        String body() {
            return this.response.substring(this.response.indexOf("\r\n\r\n") + 4);
        }

    }

    @SpringBootConfiguration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    public static class App {

        @Bean
        Spans testSpans() {
            return new Spans(InMemorySpanExporter.create());
        }

        @Bean
        SpanProcessor testSpanProcessor(Spans spans) {
            return SimpleSpanProcessor.create(spans.exporter());
        }

        @Bean
        Api api(RestClient.Builder restClientBuilder, Tracer tracer, Environment environment) {
            return new Api(restClientBuilder.build(), tracer, environment.getRequiredProperty("test.downstream"));
        }

    }

    public record Spans(InMemorySpanExporter exporter) {

    }

    @RestController
    public static class Api {

        private final RestClient restClient;

        private final Tracer tracer;

        private final String downstream;

        Api(RestClient restClient, Tracer tracer, String downstream) {
            this.restClient = restClient;
            this.tracer = tracer;
            this.downstream = downstream;
        }

        @GetMapping("/in")
        String in() {
            this.restClient.get().uri(this.downstream).retrieve().toBodilessEntity();
            return "mdc.user.tier=" + MDC.get("user.tier") + ";baggage=" + this.tracer.getBaggage("user.tier").get();
        }

    }

}
