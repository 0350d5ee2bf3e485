package io.inferlens.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Per-call cost of Inferlens' Spring AI bridge: a Spring AI chat call and stream
 * ({@link SpringAiWork}) observed by Spring AI alone (its observation, its meter handler,
 * Boot's timer and span; {@code inferlens.spring-ai.enabled=false}) and with the bridge
 * (record, {@code gen_ai} histograms, cost, span attributes, and for streams the watched
 * chunks). Every call is sampled; spans go to a {@link CountingSpanExporter}. Each
 * variant verifies before measuring that the bridge is on or off as it claims.
 *
 * @author Inferlens
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class SpringAiBridgeBenchmark {

    private final Prompt prompt = new Prompt("Say hello.", ChatOptions.builder().model(SpringAiWork.MODEL).build());

    @Benchmark
    public ChatResponse call(SpringAiState state) {
        return state.work.call(this.prompt);
    }

    @Benchmark
    public List<ChatResponse> stream(SpringAiState state) {
        return state.work.stream(this.prompt).collectList().block();
    }

    /**
     * The application, with Spring AI's observation alone or with Inferlens' bridge.
     */
    @State(Scope.Benchmark)
    public static class SpringAiState {

        /**
         * {@code springAiOnly} or {@code bridge}.
         */
        @Param({ "springAiOnly", "bridge" })
        public String variant;

        SpringAiWork work;

        private ConfigurableApplicationContext context;

        @Setup(Level.Trial)
        public void start() {
            boolean bridge = "bridge".equals(this.variant);
            List<String> properties = new ArrayList<>(Variant.COMMON_PROPERTIES);
            properties
                .addAll(List.of("management.tracing.sampling.probability=1.0", "inferlens.spring-ai.enabled=" + bridge,
                        "inferlens.pricing.models." + SpringAiWork.MODEL + ".input=2.5",
                        "inferlens.pricing.models." + SpringAiWork.MODEL + ".output=10"));
            this.context = new SpringApplicationBuilder(BenchmarkApplication.class, SpringAiWork.class)
                .web(WebApplicationType.NONE)
                .properties(properties.toArray(String[]::new))
                .run();
            this.work = this.context.getBean(SpringAiWork.class);
            verify(bridge);
        }

        private void verify(boolean bridge) {
            Prompt prompt = new Prompt("Say hello.", ChatOptions.builder().model(SpringAiWork.MODEL).build());
            this.work.call(prompt);
            this.work.stream(prompt).collectList().block();
            MeterRegistry registry = this.context.getBean(MeterRegistry.class);
            boolean histograms = registry.find("gen_ai.client.token.usage").summaries().size() > 0;
            boolean cost = registry.find("inferlens.inference.cost").counters().size() > 0;
            boolean springAiTimer = registry.find("gen_ai.client.operation").timers().size() > 0;
            boolean firstChunk = registry.find("gen_ai.client.operation.time_to_first_chunk").timers().size() > 0;
            if (!springAiTimer || histograms != bridge || cost != bridge || firstChunk != bridge) {
                throw new IllegalStateException("Variant " + this.variant + " is not what it claims: Spring AI timer "
                        + springAiTimer + ", gen_ai histograms " + histograms + ", cost " + cost
                        + ", time to first chunk " + firstChunk);
            }
        }

        @TearDown(Level.Trial)
        public void stop() {
            this.context.close();
        }

    }

}
