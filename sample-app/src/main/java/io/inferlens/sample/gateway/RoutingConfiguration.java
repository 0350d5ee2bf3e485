package io.inferlens.sample.gateway;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.context.ContextExecutorService;
import io.micrometer.context.ContextSnapshotFactory;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The executor on which the router scores candidates in parallel. Wrapped by Micrometer's
 * context propagation, so each task runs with the routing observation (and its span)
 * current, and its {@code model_inference} span is a child of {@code routing_request}.
 *
 * @author Inferlens
 */
@Configuration(proxyBeanMethods = false)
class RoutingConfiguration {

    @Bean(destroyMethod = "shutdown")
    ExecutorService scoringExecutor() {
        AtomicInteger threads = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(4, (task) -> {
            Thread thread = new Thread(task, "router-scoring-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        ContextSnapshotFactory snapshots = ContextSnapshotFactory.builder().build();
        return ContextExecutorService.wrap(executor, snapshots::captureAll);
    }

}
