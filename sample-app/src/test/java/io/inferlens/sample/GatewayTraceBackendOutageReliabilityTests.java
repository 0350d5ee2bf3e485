package io.inferlens.sample;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The trace backend goes away under steady load and comes back. The sample gateway
 * exports every span (100% sampling) to a real Zipkin server (the exec jar the build
 * copies from Maven Central, on 127.0.0.1 and a free port) while four clients send chat
 * requests steadily (about 150 a second). Zipkin is then killed, later frozen with
 * {@code SIGSTOP} so that exports hang instead of being refused, and each time brought
 * back. Throughout, no chat request may fail, the heap after a full GC may not grow by
 * more than 64 MB over its level before the outage, and once Zipkin is back a new
 * request's trace must reach it.
 * <p>
 * Long (about 50 seconds): it runs in the {@code reliability} Maven profile, which
 * {@code .ci/run} enables.
 *
 * @author Inferlens
 */
class GatewayTraceBackendOutageReliabilityTests {

    private static final long MAX_HEAP_GROWTH = 64L * 1024 * 1024;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final AtomicLong traceCounter = new AtomicLong();

    private Path workDirectory;

    private Process zipkin;

    private int zipkinPort;

    @AfterEach
    void stopZipkin() throws Exception {
        stop(this.zipkin);
        if (this.workDirectory != null) {
            FileSystemUtils.deleteRecursively(this.workDirectory);
        }
    }

    @Test
    void applicationRequestsNeverFailWhileZipkinIsDownOrHangsAndExportResumes() throws Exception {
        this.workDirectory = Files.createTempDirectory("inferlens-outage");
        this.zipkinPort = freePort();
        this.zipkin = startZipkin();
        try (ConfigurableApplicationContext gateway = startGateway()) {
            int port = ((WebServerApplicationContext) gateway).getWebServer().getPort();
            Load load = new Load(port);
            try {
                assertThat(exported(port)).as("a trace exported before the outage").isTrue();
                long baseline = heapAfterGc();

                // Down: connections are refused.
                stop(this.zipkin);
                long before = load.succeeded.get();
                Thread.sleep(15_000);
                assertThat(load.succeeded.get() - before).as("requests served while Zipkin is down").isGreaterThan(100);
                assertThat(heapAfterGc() - baseline).as("heap growth while Zipkin is down").isLessThan(MAX_HEAP_GROWTH);
                this.zipkin = startZipkin();
                assertThat(exported(port)).as("a trace exported after Zipkin came back").isTrue();

                // Hung: connections are accepted and never answered.
                signal(this.zipkin, "STOP");
                before = load.succeeded.get();
                Thread.sleep(20_000);
                assertThat(load.succeeded.get() - before).as("requests served while Zipkin hangs").isGreaterThan(100);
                assertThat(heapAfterGc() - baseline).as("heap growth while Zipkin hangs").isLessThan(MAX_HEAP_GROWTH);
                signal(this.zipkin, "CONT");
                assertThat(exported(port)).as("a trace exported after Zipkin resumed").isTrue();
            }
            finally {
                load.stop();
            }
            assertThat(load.failure.get()).as("first failed request").isNull();
            assertThat(load.failed.get()).as("failed requests").isZero();
            assertThat(load.succeeded.get()).isGreaterThan(500);
        }
    }

    /**
     * Send a chat request with a new trace id and wait until its trace is in Zipkin.
     */
    private boolean exported(int port) throws Exception {
        String traceId = String.format("%032x", 0xabc0000L + this.traceCounter.incrementAndGet());
        HttpResponse<String> response = this.http.send(chat(port, "00-" + traceId + "-00f067aa0ba902b7-01"),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        List<Map<String, Object>> spans = await().atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(500))
            .ignoreExceptions()
            .until(() -> trace(traceId),
                    (found) -> found.stream().anyMatch((span) -> "gateway.route".equals(span.get("name"))));
        return !spans.isEmpty();
    }

    private List<Map<String, Object>> trace(String traceId) throws Exception {
        HttpResponse<String> response = this.http
            .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.zipkinPort + "/api/v2/trace/" + traceId))
                .timeout(Duration.ofSeconds(5))
                .build(), HttpResponse.BodyHandlers.ofString());
        return (response.statusCode() == 200) ? JsonPath.read(response.body(), "$") : List.of();
    }

    private static HttpRequest chat(int port, String traceparent) {
        HttpRequest.Builder request = HttpRequest
            .newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("""
                    {"model":"auto","messages":[{"role":"user","content":"What is the capital of France?"}]}"""));
        if (traceparent != null) {
            request.header("traceparent", traceparent);
        }
        return request.build();
    }

    private ConfigurableApplicationContext startGateway() {
        return new SpringApplicationBuilder(SampleApplication.class).run("--server.port=0",
                "--server.address=127.0.0.1", "--spring.main.banner-mode=off", "--gateway.simulator.latency=2ms",
                "--gateway.cache.size=0", "--management.tracing.sampling.probability=1.0",
                "--management.tracing.export.zipkin.enabled=true",
                "--management.tracing.export.zipkin.endpoint=http://127.0.0.1:" + this.zipkinPort + "/api/v2/spans",
                "--management.tracing.export.zipkin.read-timeout=2s",
                "--management.opentelemetry.tracing.export.schedule-delay=200ms",
                "--inferlens.request-logging.enabled=false");
    }

    private Process startZipkin() throws Exception {
        String jar = System.getProperty("inferlens.zipkin.jar");
        assertThat(jar).as("inferlens.zipkin.jar, set by the build").isNotNull();
        assertThat(new File(jar)).exists();
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-jar", jar, "--armeria.ports[0].port=" + this.zipkinPort,
                "--armeria.ports[0].ip=127.0.0.1", "--armeria.ports[0].protocols[0]=http", "--STORAGE_TYPE=mem")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(this.workDirectory.resolve("zipkin.log").toFile()))
            .start();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
            assertThat(process.isAlive()).isTrue();
            return this.http
                .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.zipkinPort + "/health"))
                    .timeout(Duration.ofSeconds(2))
                    .build(), HttpResponse.BodyHandlers.discarding())
                .statusCode() == 200;
        });
        return process;
    }

    private static void signal(Process process, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
        assertThat(kill.waitFor()).as("kill -" + signal).isZero();
    }

    private static void stop(Process process) throws Exception {
        if (process != null && process.isAlive()) {
            signal(process, "CONT");
            process.destroyForcibly();
            process.waitFor(15, TimeUnit.SECONDS);
        }
    }

    private static long heapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /**
     * Four clients sending chat requests with a short pause, counting what succeeded and
     * what failed.
     */
    private final class Load {

        private final AtomicLong succeeded = new AtomicLong();

        private final AtomicLong failed = new AtomicLong();

        private final AtomicReference<String> failure = new AtomicReference<>();

        private final AtomicBoolean running = new AtomicBoolean(true);

        private final ExecutorService clients = Executors.newFixedThreadPool(4);

        private final List<Future<?>> futures = new ArrayList<>();

        Load(int port) {
            for (int i = 0; i < 4; i++) {
                this.futures.add(this.clients.submit(() -> {
                    while (this.running.get()) {
                        try {
                            HttpResponse<String> response = GatewayTraceBackendOutageReliabilityTests.this.http
                                .send(chat(port, null), HttpResponse.BodyHandlers.ofString());
                            if (response.statusCode() == 200) {
                                this.succeeded.incrementAndGet();
                            }
                            else {
                                fail(response.statusCode() + " " + response.body());
                            }
                            // Steady, not saturating: about 150 requests and 1,000 spans
                            // a second, which Zipkin on the same two cores keeps up with.
                            Thread.sleep(25);
                        }
                        catch (IOException ex) {
                            fail(ex.toString());
                        }
                        catch (InterruptedException ex) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                }));
            }
        }

        private void fail(String description) {
            this.failed.incrementAndGet();
            this.failure.compareAndSet(null, description);
        }

        void stop() throws Exception {
            this.running.set(false);
            this.clients.shutdown();
            assertThat(this.clients.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }

    }

}
