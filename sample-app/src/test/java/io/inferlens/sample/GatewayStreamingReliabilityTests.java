package io.inferlens.sample;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.inferlens.sample.simulator.SimulatedModelController;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A thousand streamed chat requests through the sample gateway over real HTTP, sixteen at
 * a time, half of them abandoned by their client after a random number of chunks (the
 * socket closed mid-stream). Afterwards no observation may be open (no span left
 * unended), no backend stream may still be written, every call must have been recorded
 * once, completed or cancelled, and, after a full GC, the heap and the number of live
 * threads must be back near their level after a warm-up of the same load.
 * <p>
 * About 20 seconds: it runs in the {@code reliability} Maven profile, which
 * {@code .ci/run} enables.
 *
 * @author Inferlens
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "server.address=127.0.0.1", "gateway.simulator.latency=2ms", "gateway.simulator.chunk-delay=5ms",
                "gateway.cache.size=0", "inferlens.request-logging.enabled=false" })
@Import(GatewayStreamingIntegrationTests.Observed.class)
class GatewayStreamingReliabilityTests {

    private static final int STREAMS = 1000;

    private static final int CONCURRENCY = 16;

    private static final long MAX_HEAP_GROWTH = 32L * 1024 * 1024;

    private static final int MAX_THREAD_GROWTH = 8;

    @LocalServerPort
    private int port;

    @Autowired
    private SimulatedModelController simulator;

    @Autowired
    private GatewayStreamingIntegrationTests.Observed observed;

    @Test
    void streamsAbandonedAtRandomLeaveNoOpenSpanBackendStreamThreadOrHeapBehind() throws Exception {
        run(200);
        settled();
        long heapBefore = heapAfterGc();
        int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
        this.observed.records.clear();
        Outcomes outcomes = run(STREAMS);
        settled();
        assertThat(outcomes.failed.get()).as("streams that failed").isZero();
        assertThat(outcomes.completed.get() + outcomes.abandoned.get()).isEqualTo(STREAMS);
        assertThat(outcomes.abandoned.get()).isBetween(STREAMS / 4, STREAMS * 3 / 4);
        // one record per stream, cancelled exactly when its client went away early
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> this.observed.records.size() >= STREAMS);
        assertThat(this.observed.records).hasSize(STREAMS);
        assertThat(this.observed.records).allSatisfy((record) -> assertThat(record.errorType()).isNull());
        long cancelled = this.observed.records.stream().filter((record) -> record.cancelled()).count();
        // a client that leaves after the last content chunk may still see the stream end
        assertThat(cancelled).isBetween(outcomes.abandoned.get() / 2L, (long) outcomes.abandoned.get());
        long heapAfter = heapAfterGc();
        int threadsAfter = ManagementFactory.getThreadMXBean().getThreadCount();
        System.out.printf(
                "%d streams: %d completed, %d abandoned (%d recorded cancelled); heap after GC %+d KB,"
                        + " live threads %+d%n",
                STREAMS, outcomes.completed.get(), outcomes.abandoned.get(), cancelled, (heapAfter - heapBefore) / 1024,
                threadsAfter - threadsBefore);
        assertThat(heapAfter - heapBefore).as("heap growth after GC, bytes").isLessThan(MAX_HEAP_GROWTH);
        assertThat(threadsAfter - threadsBefore).as("live thread growth").isLessThanOrEqualTo(MAX_THREAD_GROWTH);
    }

    private void settled() {
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> this.simulator.activeStreams() == 0);
        Awaitility.await()
            .atMost(Duration.ofSeconds(10))
            .untilAsserted(() -> assertThat(this.observed.open).as("observations started and never stopped").isEmpty());
    }

    private Outcomes run(int streams) throws Exception {
        Outcomes outcomes = new Outcomes();
        ExecutorService clients = Executors.newFixedThreadPool(CONCURRENCY);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < streams; i++) {
                futures.add(clients.submit(() -> stream(outcomes)));
            }
            for (Future<?> future : futures) {
                future.get(60, TimeUnit.SECONDS);
            }
        }
        finally {
            clients.shutdownNow();
        }
        return outcomes;
    }

    private void stream(Outcomes outcomes) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int leaveAfter = random.nextBoolean() ? random.nextInt(0, 4) : -1;
        try (Socket socket = new Socket("127.0.0.1", this.port)) {
            socket.setSoTimeout(10_000);
            GatewayStreamingIntegrationTests.send(socket,
                    GatewayStreamingIntegrationTests.body(GatewayStreamingIntegrationTests.LONG_QUESTION, true));
            BufferedReader reader = new BufferedReader(
                    new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            int chunks = 0;
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.startsWith("data:")) {
                    if (line.contains("[DONE]")) {
                        outcomes.completed.incrementAndGet();
                        return;
                    }
                    if (line.contains("\"error\"")) {
                        outcomes.failed.incrementAndGet();
                        return;
                    }
                    if (++chunks > leaveAfter && leaveAfter >= 0) {
                        outcomes.abandoned.incrementAndGet();
                        return;
                    }
                }
            }
            outcomes.failed.incrementAndGet();
        }
        catch (Exception ex) {
            outcomes.failed.incrementAndGet();
        }
    }

    private static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static final class Outcomes {

        final AtomicInteger completed = new AtomicInteger();

        final AtomicInteger abandoned = new AtomicInteger();

        final AtomicInteger failed = new AtomicInteger();

    }

}
