package io.inferlens.web;

import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RequestIds}.
 *
 * @author Inferlens
 */
class RequestIdsTests {

    @Test
    void safeIdsAreKept() {
        String longest = "a".repeat(128);
        assertThat(RequestIds.isSafe("abc-123_DEF.4")).isTrue();
        assertThat(RequestIds.isSafe(longest)).isTrue();
        assertThat(RequestIds.resolve(Collections.enumeration(List.of("abc-123_DEF.4")))).isEqualTo("abc-123_DEF.4");
        assertThat(RequestIds.resolve(Collections.enumeration(List.of(longest)))).isEqualTo(longest);
    }

    @Test
    void unsafeIdsAreReplaced() {
        for (String unsafe : new String[] { "", "a".repeat(129), "a b", "a\nb", "a\"b", "a;b", "a/b", "é",
                "a\u0000" }) {
            assertThat(RequestIds.isSafe(unsafe)).as(unsafe).isFalse();
            String resolved = RequestIds.resolve(Collections.enumeration(List.of(unsafe)));
            assertThat(resolved).as(unsafe).isNotEqualTo(unsafe);
            assertThat(RequestIds.isSafe(resolved)).isTrue();
        }
        assertThat(RequestIds.isSafe(null)).isFalse();
    }

    @Test
    void missingOrRepeatedHeadersGetANewId() {
        assertThat(RequestIds.resolve(null)).hasSize(36);
        assertThat(RequestIds.resolve(Collections.emptyEnumeration())).hasSize(36);
        assertThat(RequestIds.resolve(Collections.enumeration(List.of("one", "two")))).isNotIn("one", "two")
            .hasSize(36);
    }

    @Test
    void generatedIdsAreVersionFourUuids() {
        UUID uuid = UUID.fromString(RequestIds.generate());
        assertThat(uuid.version()).isEqualTo(4);
        assertThat(uuid.variant()).isEqualTo(2);
    }

    @Test
    void generatedIdsAreUniqueAcrossThreads() throws InterruptedException {
        Set<String> ids = ConcurrentHashMap.newKeySet();
        int threads = 8;
        int perThread = 5000;
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            for (int t = 0; t < threads; t++) {
                executor.execute(() -> {
                    try {
                        start.await();
                    }
                    catch (InterruptedException ex) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    for (int i = 0; i < perThread; i++) {
                        ids.add(RequestIds.generate());
                    }
                });
            }
            start.countDown();
        }
        finally {
            executor.shutdown();
            assertThat(executor.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(ids).hasSize(threads * perThread);
    }

}
