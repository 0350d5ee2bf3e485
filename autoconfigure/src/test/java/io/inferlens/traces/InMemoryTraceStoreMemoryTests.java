package io.inferlens.traces;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import io.inferlens.annotation.SpanKind;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The heap a full {@link InMemoryTraceStore} retains, measured roughly: 1000 traces of 10
 * spans with 10 attributes each, every string a fresh instance as the OpenTelemetry SDK
 * would hand them over.
 *
 * @author Inferlens
 */
class InMemoryTraceStoreMemoryTests {

    private static final long MB = 1024 * 1024;

    @Test
    void fullStoreRetainsLessThan64Megabytes() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long before = usedAfterGc(memory);
        InMemoryTraceStore store = new InMemoryTraceStore(1000, 500, 1000);
        long now = System.currentTimeMillis() * 1_000_000L;
        for (int trace = 0; trace < 1000; trace++) {
            String traceId = hex(32);
            String rootId = hex(16);
            for (int span = 0; span < 10; span++) {
                String spanId = (span == 0) ? rootId : hex(16);
                store.add(new StoredSpan(traceId, spanId, (span == 0) ? null : rootId, fresh("chat gpt-4o-mini"),
                        (span == 0) ? SpanKind.SERVER : SpanKind.CLIENT, now + span * 1_000_000L, 25_000_000L,
                        SpanStatus.UNSET, null, attributes(span), List.of()));
            }
        }
        long after = usedAfterGc(memory);
        long retained = after - before;
        assertThat(store.size()).isEqualTo(1000);
        assertThat(store.spanCount()).isEqualTo(10_000);
        Reference.reachabilityFence(store);
        System.out.printf("Trace store at capacity (1000 traces x 10 spans x 10 attributes): %.1f MB retained%n",
                retained / (double) MB);
        assertThat(retained).isLessThan(64 * MB);
    }

    private static Map<String, Object> attributes(int span) {
        Map<String, Object> attributes = new HashMap<>();
        attributes.put("gen_ai.operation.name", fresh("chat"));
        attributes.put("gen_ai.provider.name", fresh("openai"));
        attributes.put("gen_ai.request.model", fresh("gpt-4o-mini"));
        attributes.put("gen_ai.response.model", fresh("gpt-4o-mini-2024-07-18"));
        attributes.put("gen_ai.response.id", fresh("chatcmpl-" + hex(24)));
        attributes.put("gen_ai.conversation.id", fresh("conv-" + hex(12)));
        attributes.put("gen_ai.usage.input_tokens", 1000L + span);
        attributes.put("gen_ai.usage.output_tokens", 200L + span);
        attributes.put("code.function.name", fresh("com.example.chat.ChatService.answer"));
        attributes.put("outcome", fresh("success"));
        return attributes;
    }

    private static String fresh(String text) {
        return new String(text.toCharArray());
    }

    private static String hex(int length) {
        StringBuilder hex = new StringBuilder(length);
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < length; i++) {
            hex.append(Character.forDigit(random.nextInt(16), 16));
        }
        return hex.toString();
    }

    private static long usedAfterGc(MemoryMXBean memory) {
        // Several collections: one may leave garbage that a concurrent collector has not
        // reclaimed yet.
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

}
