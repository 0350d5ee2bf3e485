package io.inferlens.stats;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The heap {@link RequestStatistics} retains at its bounds, measured roughly: 200
 * operations and 100 models, each with a call in every ten-second bucket of the fifteen
 * minutes kept, so that every slot is allocated.
 *
 * @author Inferlens
 */
class RequestStatisticsMemoryTests {

    private static final long MB = 1024 * 1024;

    @Test
    void fullStatisticsRetainLessThan32Megabytes() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long before = usedAfterGc(memory);
        MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));
        RequestStatistics statistics = new RequestStatistics(200, 100, clock);
        for (int bucket = 0; bucket < 90; bucket++) {
            for (int operation = 0; operation < 200; operation++) {
                statistics.recordOperation("operation-" + operation, 1_000_000L * (operation + 1), false, true);
            }
            for (int model = 0; model < 100; model++) {
                statistics.recordModel("model-" + model, 1_000_000L * (model + 1), false, 100, 50, 1000);
            }
            statistics.recordHttpRequest("http GET /chat", 5_000_000L, false);
            clock.advance(Duration.ofSeconds(10));
        }
        long after = usedAfterGc(memory);
        long retained = after - before;
        assertThat(statistics.operations()).hasSize(201);
        assertThat(statistics.models()).hasSize(100);
        Reference.reachabilityFence(statistics);
        System.out.printf(
                "Statistics at their bounds (200 operations, 100 models, 90 buckets each): %.1f MB" + " retained%n",
                retained / (double) MB);
        // 27,090 buckets of 300 series: a GC that frees older garbage during the test
        // could
        // hide some, but not all of it
        assertThat(retained).isGreaterThan(MB).isLessThan(32 * MB);
    }

    private static long usedAfterGc(MemoryMXBean memory) {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

}
