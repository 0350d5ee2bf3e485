package io.inferlens.benchmarks.startup;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.Comparator;
import java.util.Locale;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.metrics.buffering.BufferingApplicationStartup;
import org.springframework.boot.context.metrics.buffering.StartupTimeline.TimelineEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.core.metrics.StartupStep;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A plain Spring MVC application with Actuator and the Prometheus registry, started by
 * {@code benchmarks/startup.sh} with and without the Inferlens starter on its class path.
 * When ready it prints one line with the JVM's uptime, the classes loaded, the bean
 * definitions and the heap used after a full GC, then exits.
 *
 * @author Inferlens
 */
@SpringBootApplication
@RestController
public class StartupApplication {

    @GetMapping("/hello")
    String hello() {
        return "hello";
    }

    @EventListener
    void ready(ApplicationReadyEvent event) {
        long uptime = ManagementFactory.getRuntimeMXBean().getUptime();
        long startup = event.getTimeTaken().toMillis();
        int classes = ManagementFactory.getClassLoadingMXBean().getLoadedClassCount();
        ConfigurableApplicationContext context = event.getApplicationContext();
        int beans = context.getBeanDefinitionCount();
        System.gc();
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        System.out.println(String.format(Locale.ROOT, "STARTUP uptime_ms=%d ready_ms=%d classes=%d beans=%d heap_kb=%d",
                uptime, startup, classes, beans, heap.getUsed() / 1024));
        System.exit(SpringApplication.exit(context));
    }

    public static void main(String[] args) {
        SpringApplication application = new SpringApplication(StartupApplication.class);
        String steps = System.getProperty("startup.steps");
        if (steps != null) {
            // Where the time goes: the slowest bean instantiations, printed after
            // startup.
            BufferingApplicationStartup startup = new BufferingApplicationStartup(100_000);
            application.setApplicationStartup(startup);
            application.addListeners((ApplicationListener<ApplicationReadyEvent>) (event) -> startup
                .getBufferedTimeline()
                .getEvents()
                .stream()
                .filter((step) -> step.getStartupStep().getName().equals("spring.beans.instantiate"))
                .sorted(Comparator.comparing(TimelineEvent::getDuration).reversed())
                .limit(Integer.parseInt(steps))
                .forEach((step) -> System.out.println(
                        "STEP " + step.getDuration().toMillis() + " ms " + tag(step.getStartupStep(), "beanName"))));
        }
        application.run(args);
    }

    private static String tag(StartupStep step, String key) {
        for (StartupStep.Tag tag : step.getTags()) {
            if (tag.getKey().equals(key)) {
                return tag.getValue();
            }
        }
        return "";
    }

}
