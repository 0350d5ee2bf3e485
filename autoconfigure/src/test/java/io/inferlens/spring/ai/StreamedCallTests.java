package io.inferlens.spring.ai;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link StreamedCall}: the actions that wait for a stream's end run once each,
 * in order and one at a time, whichever thread ends the stream, and a failing one does
 * not keep the others from running.
 *
 * @author Inferlens
 */
class StreamedCallTests {

    @Test
    void actionsGivenBeforeAndAfterTheEndRunOnceInOrderOneAtATime() throws Exception {
        for (int round = 0; round < 2_000; round++) {
            StreamedCall streamed = new StreamedCall();
            List<String> ran = new CopyOnWriteArrayList<>();
            AtomicInteger running = new AtomicInteger();
            AtomicInteger overlaps = new AtomicInteger();
            CountDownLatch start = new CountDownLatch(1);
            Thread stopping = new Thread(() -> {
                await(start);
                streamed.whenEnded(action("record", ran, running, overlaps));
                streamed.whenEnded(action("span", ran, running, overlaps));
            });
            Thread ending = new Thread(() -> {
                await(start);
                streamed.end();
            });
            stopping.start();
            ending.start();
            start.countDown();
            stopping.join();
            ending.join();
            assertThat(ran).containsExactly("record", "span");
            assertThat(overlaps).hasValue(0);
        }
    }

    @Test
    void failingActionDoesNotKeepTheNextFromRunning() {
        StreamedCall streamed = new StreamedCall();
        List<String> ran = new CopyOnWriteArrayList<>();
        streamed.whenEnded(() -> {
            throw new IllegalStateException("failed");
        });
        streamed.whenEnded(() -> ran.add("span ended"));
        streamed.end();
        assertThat(ran).containsExactly("span ended");
    }

    private static Runnable action(String name, List<String> ran, AtomicInteger running, AtomicInteger overlaps) {
        return () -> {
            if (running.incrementAndGet() > 1) {
                overlaps.incrementAndGet();
            }
            Thread.onSpinWait();
            ran.add(name);
            running.decrementAndGet();
        };
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

}
