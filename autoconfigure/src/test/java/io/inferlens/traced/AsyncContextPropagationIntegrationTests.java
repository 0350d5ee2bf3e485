package io.inferlens.traced;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.inferlens.annotation.Traced;
import io.inferlens.autoconfigure.logs.TraceLogsAutoConfiguration;
import io.inferlens.autoconfigure.traced.TracedAutoConfiguration;
import io.inferlens.logs.TraceLogEvent;
import io.inferlens.logs.TraceLogStore;
import io.inferlens.testsupport.SpanCollection;
import io.micrometer.context.ContextExecutorService;
import io.micrometer.context.ContextSnapshotFactory;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Tracer;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration;
import org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration;
import org.springframework.boot.task.SimpleAsyncTaskExecutorBuilder;
import org.springframework.boot.task.ThreadPoolTaskExecutorBuilder;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.task.AsyncTaskExecutor;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.core.task.TaskDecorator;
import org.springframework.core.task.support.ContextPropagatingTaskDecorator;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.EnableAsync;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The trace of a {@code @Traced} method across a hop to another thread: an {@code @Async}
 * method, a task on Boot's {@code applicationTaskExecutor}, and {@link CompletableFuture}
 * stages. Spring Boot 4.1 propagates the Micrometer context (the current observation,
 * hence the span and the MDC) to the executors it builds only with
 * {@code spring.task.execution.propagate-context=true}: it then registers a
 * {@link ContextPropagatingTaskDecorator} bean, which its
 * {@link ThreadPoolTaskExecutorBuilder} and {@link SimpleAsyncTaskExecutorBuilder} apply
 * (as they apply any {@link TaskDecorator} bean). Inferlens adds nothing to it; these
 * tests pin what an application relies on, and show, with Boot's default and with
 * executors Boot does not build, that without propagation the work starts a new trace.
 *
 * @author Inferlens
 */
class AsyncContextPropagationIntegrationTests {

    private static final Logger logger = LoggerFactory.getLogger(AsyncContextPropagationIntegrationTests.class);

    private static final String NO_SPAN = "0000000000000000";

    @Test
    void propagateContextPropertyRegistersBootsContextPropagatingTaskDecorator() {
        try (ConfigurableApplicationContext context = propagating()) {
            assertThat(context.getBeansOfType(TaskDecorator.class).values()).singleElement()
                .isInstanceOf(ContextPropagatingTaskDecorator.class);
        }
        try (ConfigurableApplicationContext context = bootsDefault()) {
            assertThat(context.getBeansOfType(TaskDecorator.class)).isEmpty();
        }
    }

    @Test
    void asyncTracedMethodOnBootsExecutorIsAChildOfTheCallerWithTheTraceInItsMdc() {
        try (ConfigurableApplicationContext context = propagating()) {
            Hop hop = caller(context).call(() -> context.getBean(Worker.class).work().join());
            assertContinuesTheTrace(context, span(context, "demo.caller"), span(context, "demo.async"), hop, "task-");
        }
    }

    @Test
    void asyncTracedMethodStartsANewTraceWithBootsDefault() {
        try (ConfigurableApplicationContext context = bootsDefault()) {
            Hop hop = caller(context).call(() -> context.getBean(Worker.class).work().join());
            assertStartsANewTrace(context, span(context, "demo.caller"), span(context, "demo.async"), hop);
            assertThat(hop.thread()).startsWith("task-");
        }
    }

    @Test
    void taskSubmittedToBootsApplicationTaskExecutorObservesAsAChildOfTheCaller() {
        try (ConfigurableApplicationContext context = propagating()) {
            AsyncTaskExecutor executor = context.getBean("applicationTaskExecutor", AsyncTaskExecutor.class);
            assertThat(executor).isInstanceOf(ThreadPoolTaskExecutor.class);
            Hop hop = caller(context).call(() -> get(executor.submit(observed(context, "demo.task"))));
            assertContinuesTheTrace(context, span(context, "demo.caller"), span(context, "demo.task"), hop, "task-");
        }
    }

    @Test
    void executorsBuiltWithBootsBuildersPropagateTheContextToo() {
        try (ConfigurableApplicationContext context = propagating()) {
            ThreadPoolTaskExecutor pool = context.getBean(ThreadPoolTaskExecutorBuilder.class)
                .threadNamePrefix("scoring-")
                .build();
            pool.initialize();
            SimpleAsyncTaskExecutor simple = context.getBean(SimpleAsyncTaskExecutorBuilder.class)
                .threadNamePrefix("simple-")
                .build();
            try {
                Hop pooled = caller(context).call(() -> get(pool.submit(observed(context, "demo.pooled"))));
                assertContinuesTheTrace(context, span(context, "demo.caller"), span(context, "demo.pooled"), pooled,
                        "scoring-");
                context.getBean(InMemorySpanExporter.class).reset();
                Hop unpooled = caller(context).call(() -> get(simple.submit(observed(context, "demo.simple"))));
                assertContinuesTheTrace(context, span(context, "demo.caller"), span(context, "demo.simple"), unpooled,
                        "simple-");
            }
            finally {
                pool.shutdown();
                simple.close();
            }
        }
    }

    @Test
    void completableFutureStagesOnBootsExecutorAreChildrenOfTheCaller() {
        try (ConfigurableApplicationContext context = propagating()) {
            AsyncTaskExecutor executor = context.getBean("applicationTaskExecutor", AsyncTaskExecutor.class);
            List<Hop> hops = caller(context).call(() -> {
                CompletableFuture<Hop> supplied = CompletableFuture.supplyAsync(supplier(context, "demo.supply"),
                        executor);
                CompletableFuture<Hop> applied = supplied
                    .thenApplyAsync((first) -> supplier(context, "demo.apply").get(), executor);
                return List.of(supplied.join(), applied.join());
            });
            SpanData caller = span(context, "demo.caller");
            assertContinuesTheTrace(context, caller, span(context, "demo.supply"), hops.get(0), "task-");
            assertContinuesTheTrace(context, caller, span(context, "demo.apply"), hops.get(1), "task-");
        }
    }

    @Test
    void thenApplyAsyncWithoutAnExecutorLeavesBootsExecutorAndStartsANewTrace() {
        try (ConfigurableApplicationContext context = propagating()) {
            AsyncTaskExecutor executor = context.getBean("applicationTaskExecutor", AsyncTaskExecutor.class);
            Hop hop = caller(context).call(() -> CompletableFuture.supplyAsync(() -> "first", executor)
                .thenApplyAsync((first) -> supplier(context, "demo.apply").get())
                .join());
            assertStartsANewTrace(context, span(context, "demo.caller"), span(context, "demo.apply"), hop);
            assertThat(hop.thread()).doesNotStartWith("task-");
        }
    }

    @Test
    void plainExecutorServiceStartsANewTraceUnlessWrappedByMicrometer() {
        try (ConfigurableApplicationContext context = propagating()) {
            ExecutorService plain = Executors.newSingleThreadExecutor((task) -> new Thread(task, "plain"));
            ExecutorService wrapped = ContextExecutorService.wrap(
                    Executors.newSingleThreadExecutor((task) -> new Thread(task, "wrapped")),
                    ContextSnapshotFactory.builder().build()::captureAll);
            try {
                Hop lost = caller(context).call(() -> get(plain.submit(observed(context, "demo.plain"))));
                assertStartsANewTrace(context, span(context, "demo.caller"), span(context, "demo.plain"), lost);
                assertThat(lost.thread()).isEqualTo("plain");
                context.getBean(InMemorySpanExporter.class).reset();
                Hop kept = caller(context).call(() -> get(wrapped.submit(observed(context, "demo.wrapped"))));
                assertContinuesTheTrace(context, span(context, "demo.caller"), span(context, "demo.wrapped"), kept,
                        "wrapped");
            }
            finally {
                plain.shutdownNow();
                wrapped.shutdownNow();
            }
        }
    }

    @Test
    void concurrentCallersEachKeepTheirOwnTraceOnTheSharedPoolAndNothingLeaksAfterwards() throws Exception {
        try (ConfigurableApplicationContext context = propagating()) {
            Caller caller = caller(context);
            Worker worker = context.getBean(Worker.class);
            Tracer tracer = context.getBean(Tracer.class);
            int callers = 8;
            int callsEach = 25;
            ExecutorService callerThreads = Executors.newFixedThreadPool(callers);
            List<Future<List<String[]>>> results = new ArrayList<>();
            try {
                for (int i = 0; i < callers; i++) {
                    results.add(callerThreads.submit(() -> {
                        List<String[]> pairs = new ArrayList<>();
                        for (int call = 0; call < callsEach; call++) {
                            pairs.add(caller.call(() -> new String[] { tracer.currentSpan().context().traceId(),
                                    worker.work().join().mdcTraceId() }));
                        }
                        return pairs;
                    }));
                }
                List<String[]> pairs = new ArrayList<>();
                for (Future<List<String[]>> result : results) {
                    pairs.addAll(result.get(30, TimeUnit.SECONDS));
                }
                assertThat(pairs).hasSize(callers * callsEach)
                    .allSatisfy((pair) -> assertThat(pair[1]).isEqualTo(pair[0]));
                assertThat(pairs).extracting((pair) -> pair[0]).doesNotHaveDuplicates();
            }
            finally {
                callerThreads.shutdownNow();
            }
            List<SpanData> finished = context.getBean(InMemorySpanExporter.class).getFinishedSpanItems();
            List<SpanData> asyncSpans = finished.stream()
                .filter((span) -> span.getName().equals("demo.async"))
                .toList();
            assertThat(asyncSpans).hasSize(callers * callsEach).allSatisfy((child) -> {
                SpanData parent = finished.stream()
                    .filter((span) -> span.getSpanId().equals(child.getParentSpanId()))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("No parent of " + child));
                assertThat(parent.getName()).isEqualTo("demo.caller");
                assertThat(parent.getTraceId()).isEqualTo(child.getTraceId());
            });
            // Every pool thread has run traced work by now; later work from outside a
            // trace must find no leftover observation or MDC on them.
            AsyncTaskExecutor executor = context.getBean("applicationTaskExecutor", AsyncTaskExecutor.class);
            ObservationRegistry registry = context.getBean(ObservationRegistry.class);
            List<Future<String>> leftovers = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                leftovers.add(executor.submit(() -> MDC.get("traceId") + "|" + registry.getCurrentObservation() + "|"
                        + tracer.currentSpan()));
            }
            for (Future<String> leftover : leftovers) {
                assertThat(leftover.get(10, TimeUnit.SECONDS)).isEqualTo("null|null|null");
            }
        }
    }

    private static void assertContinuesTheTrace(ApplicationContext context, SpanData parent, SpanData child, Hop hop,
            String threadPrefix) {
        assertThat(hop.thread()).startsWith(threadPrefix).isNotEqualTo(Thread.currentThread().getName());
        assertThat(child.getTraceId()).isEqualTo(parent.getTraceId());
        assertThat(child.getParentSpanId()).isEqualTo(parent.getSpanId());
        assertThat(hop.mdcTraceId()).isEqualTo(parent.getTraceId());
        assertThat(hop.mdcSpanId()).isEqualTo(child.getSpanId());
        assertThat(context.getBean(TraceLogStore.class).forTrace(parent.getTraceId()))
            .anySatisfy((event) -> assertLogged(event, hop, child));
    }

    private static void assertStartsANewTrace(ApplicationContext context, SpanData caller, SpanData child, Hop hop) {
        assertThat(child.getTraceId()).isNotEqualTo(caller.getTraceId());
        assertThat(child.getParentSpanId()).isEqualTo(NO_SPAN);
        assertThat(hop.mdcTraceId()).isEqualTo(child.getTraceId());
        TraceLogStore logs = context.getBean(TraceLogStore.class);
        assertThat(logs.forTrace(caller.getTraceId())).noneMatch((event) -> event.message().equals(hop.message()));
        assertThat(logs.forTrace(child.getTraceId())).anySatisfy((event) -> assertLogged(event, hop, child));
    }

    private static void assertLogged(TraceLogEvent event, Hop hop, SpanData span) {
        assertThat(event.message()).isEqualTo(hop.message());
        assertThat(event.threadName()).isEqualTo(hop.thread());
        assertThat(event.spanId()).isEqualTo(span.getSpanId());
    }

    private static ConfigurableApplicationContext propagating() {
        return run("--spring.task.execution.propagate-context=true");
    }

    private static ConfigurableApplicationContext bootsDefault() {
        return run();
    }

    /**
     * Starts the way an application does, so that Boot's logging system and its
     * OpenTelemetry listener, which puts the trace id in the MDC, are set up.
     */
    private static ConfigurableApplicationContext run(String... args) {
        SpringApplication application = new SpringApplication(Application.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        List<String> arguments = new ArrayList<>(
                List.of("--spring.main.banner-mode=off", "--management.tracing.sampling.probability=1.0"));
        arguments.addAll(List.of(args));
        return application.run(arguments.toArray(String[]::new));
    }

    private static SpanData span(ApplicationContext context, String name) {
        List<SpanData> named = context.getBean(InMemorySpanExporter.class)
            .getFinishedSpanItems()
            .stream()
            .filter((span) -> span.getName().equals(name))
            .toList();
        assertThat(named).as("spans named %s", name).hasSize(1);
        return named.get(0);
    }

    private static Caller caller(ApplicationContext context) {
        return context.getBean(Caller.class);
    }

    private static Callable<Hop> observed(ApplicationContext context, String name) {
        Supplier<Hop> supplier = supplier(context, name);
        return supplier::get;
    }

    private static Supplier<Hop> supplier(ApplicationContext context, String name) {
        ObservationRegistry registry = context.getBean(ObservationRegistry.class);
        return () -> Observation.createNotStarted(name, registry).observe(() -> Hop.here(name));
    }

    private static <T> T get(Future<T> future) {
        try {
            return future.get(10, TimeUnit.SECONDS);
        }
        catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }

    /**
     * What a unit of work saw on the thread that ran it, after logging a line there.
     */
    record Hop(String message, String thread, @Nullable String mdcTraceId, @Nullable String mdcSpanId) {

        static Hop here(String name) {
            String message = "working in " + name + " " + System.nanoTime();
            logger.info(message);
            return new Hop(message, Thread.currentThread().getName(), MDC.get("traceId"), MDC.get("spanId"));
        }

    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration({ ObservationAutoConfiguration.class, MicrometerTracingAutoConfiguration.class,
            OpenTelemetrySdkAutoConfiguration.class, OpenTelemetryTracingAutoConfiguration.class,
            MetricsAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
            CompositeMeterRegistryAutoConfiguration.class, TaskExecutionAutoConfiguration.class,
            AopAutoConfiguration.class, TracedAutoConfiguration.class, TraceLogsAutoConfiguration.class })
    @Import({ SpanCollection.class, Services.class })
    static class Application {

    }

    @Configuration(proxyBeanMethods = false)
    @EnableAsync
    static class Services {

        @Bean
        Caller caller() {
            return new Caller();
        }

        @Bean
        Worker worker() {
            return new Worker();
        }

    }

    /**
     * Runs work inside its own {@code @Traced} span.
     */
    public static class Caller {

        @Traced("demo.caller")
        public <T> T call(Supplier<T> work) {
            return work.get();
        }

    }

    /**
     * An {@code @Async} method that is itself {@code @Traced}: the asynchronous
     * interceptor comes first, so its span starts on the executor's thread.
     */
    public static class Worker {

        @Async
        @Traced("demo.async")
        public CompletableFuture<Hop> work() {
            return CompletableFuture.completedFuture(Hop.here("demo.async"));
        }

    }

}
