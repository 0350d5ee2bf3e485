package io.inferlens.spring.web.servlet;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import io.inferlens.annotation.Traced;
import io.inferlens.errors.ErrorGroup;
import io.inferlens.errors.RecentErrors;
import io.inferlens.testsupport.SpanCollection;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Error capture in a Spring MVC application on a real embedded Tomcat, with Boot's
 * observation, tracing and metrics auto-configurations: exceptions that leave the
 * dispatcher, exceptions an {@code @ExceptionHandler} answers with a server or a client
 * error, and exceptions that fail a {@code @Traced} method first.
 *
 * @author Inferlens
 */
@ExtendWith(OutputCaptureExtension.class)
class MvcErrorCaptureIntegrationTests {

    private final HttpClient http = HttpClient.newHttpClient();

    private ConfigurableApplicationContext context;

    private InMemorySpanExporter spans;

    @BeforeEach
    void start() {
        this.context = new SpringApplicationBuilder(App.class)
            .properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
                    "management.tracing.sampling.probability=1.0", "inferlens.errors.log-stack-traces=false")
            .run();
        this.spans = this.context.getBean(InMemorySpanExporter.class);
    }

    @AfterEach
    void stop() {
        this.context.close();
    }

    @Test
    void exceptionHandledAsAServerErrorIsCapturedOnceAndFailsTheRequestSpan(CapturedOutput output) throws Exception {
        HttpResponse<String> response = get("/handled");
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).isEqualTo("try later");
        // captured once the dispatcher completes, which may be after the client has the
        // response
        ErrorGroup group = await().until(() -> recentErrors().groups(), (groups) -> !groups.isEmpty()).get(0);
        assertThat(group.type()).isEqualTo(ModelDownException.class.getName());
        assertThat(group.operation()).isEqualTo("http.server.requests");
        assertThat(group.count()).isEqualTo(1);
        // Prometheus:
        // inferlens_errors_total{error_type="ModelDownException",operation="http.server.requests"}
        assertThat(errors(ModelDownException.class.getName(), "http.server.requests")).isEqualTo(1);
        SpanData server = serverSpan("/handled");
        assertThat(server.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(server.getEvents()).anySatisfy((event) -> {
            assertThat(event.getName()).isEqualTo("exception");
            assertThat(event.getAttributes().get(AttributeKey.stringKey("exception.type")))
                .isEqualTo(ModelDownException.class.getCanonicalName());
        });
        assertThat(group.recentTraceIds()).containsExactly(server.getTraceId());
        assertThat(output.getOut())
            .contains("Captured " + ModelDownException.class.getName() + " in http.server.requests at "
                    + Api.class.getName() + ".handled(")
            .contains("[trace_id=" + server.getTraceId() + "]");
        assertThat(meters().get("http.server.requests").tag("uri", "/handled").timer().getId().getTag("exception"))
            .isEqualTo("ModelDownException");
    }

    @Test
    void exceptionFailingATracedMethodAndThenTheRequestIsCapturedOnceForTheMethod() throws Exception {
        HttpResponse<String> response = get("/traced");
        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(errors("java.lang.IllegalStateException", "demo.service")).isEqualTo(1);
        assertThat(meters().find("inferlens.errors").counters()).hasSize(1);
        assertThat(recentErrors().totalCount()).isEqualTo(1);
        SpanData server = serverSpan("/traced");
        assertThat(server.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(recentErrors().groups().get(0).recentTraceIds()).containsExactly(server.getTraceId());
    }

    @Test
    void unhandledExceptionIsCapturedOnce() throws Exception {
        HttpResponse<String> response = get("/unhandled");
        assertThat(response.statusCode()).isEqualTo(500);
        await().until(() -> recentErrors().totalCount() > 0);
        assertThat(errors("java.lang.UnsupportedOperationException", "http.server.requests")).isEqualTo(1);
        assertThat(recentErrors().totalCount()).isEqualTo(1);
    }

    @Test
    void exceptionHandledAsAClientErrorIsNotCapturedAndTheResponseIsUnchanged() throws Exception {
        HttpResponse<String> response = get("/bad");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).isEqualTo("bad request: temperature must be between 0 and 2");
        // the server span ends after the dispatcher has completed, when a capture would
        // have happened
        serverSpan("/bad");
        assertThat(recentErrors().totalCount()).isZero();
        assertThat(meters().find("inferlens.errors").counters()).isEmpty();
        assertThat(serverSpan("/bad").getStatus().getStatusCode()).isNotEqualTo(StatusCode.ERROR);
    }

    private HttpResponse<String> get(String path) throws Exception {
        int port = ((WebServerApplicationContext) this.context).getWebServer().getPort();
        return this.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private SpanData serverSpan(String path) {
        // the server span ends after the response is written
        return await().until(() -> server(path), (span) -> span != null);
    }

    private SpanData server(String path) {
        List<SpanData> finished = this.spans.getFinishedSpanItems();
        return finished.stream()
            .filter((span) -> span.getKind() == io.opentelemetry.api.trace.SpanKind.SERVER)
            .filter((span) -> path.equals(span.getAttributes().get(AttributeKey.stringKey("uri"))))
            .findFirst()
            .orElse(null);
    }

    private RecentErrors recentErrors() {
        return this.context.getBean(RecentErrors.class);
    }

    private MeterRegistry meters() {
        return this.context.getBean(MeterRegistry.class);
    }

    private double errors(String errorType, String operation) {
        return meters().get("inferlens.errors").tags("error.type", errorType, "operation", operation).counter().count();
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(SpanCollection.class)
    static class App {

        @Bean
        Service service() {
            return new Service();
        }

        @Bean
        Api api(Service service) {
            return new Api(service);
        }

    }

    public static class Service {

        @Traced("demo.service")
        public String call() {
            throw new IllegalStateException("backend down");
        }

    }

    @RestController
    public static class Api {

        private final Service service;

        Api(Service service) {
            this.service = service;
        }

        @GetMapping("/handled")
        String handled() {
            throw new ModelDownException("sim-large is down");
        }

        @GetMapping("/traced")
        String traced() {
            return this.service.call();
        }

        @GetMapping("/unhandled")
        String unhandled() {
            throw new UnsupportedOperationException("not yet");
        }

        @GetMapping("/bad")
        String bad() {
            throw new IllegalArgumentException("temperature must be between 0 and 2");
        }

        @ExceptionHandler
        ResponseEntity<String> modelDown(ModelDownException ex) {
            return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).body("try later");
        }

        @ExceptionHandler
        ResponseEntity<String> badRequest(IllegalArgumentException ex) {
            return ResponseEntity.badRequest().body("bad request: " + ex.getMessage());
        }

    }

    static class ModelDownException extends RuntimeException {

        ModelDownException(String message) {
            super(message);
        }

    }

}
