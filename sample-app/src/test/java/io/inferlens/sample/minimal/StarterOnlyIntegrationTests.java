package io.inferlens.sample.minimal;

import io.inferlens.annotation.Traced;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A user's application with nothing but the starter, a web server and one {@code @Traced}
 * method: the method's timer is on {@code /actuator/prometheus} with no Inferlens
 * configuration at all.
 *
 * @author Inferlens
 */
@SpringBootTest(classes = StarterOnlyIntegrationTests.UserApplication.class,
        webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "server.address=127.0.0.1", "management.endpoints.web.exposure.include=prometheus" })
@AutoConfigureMetrics
class StarterOnlyIntegrationTests {

    @LocalServerPort
    private int port;

    @Autowired
    private Work work;

    @Test
    void tracedMethodTimerIsOnPrometheus() {
        this.work.run();
        this.work.run();
        String scrape = RestClient.create("http://127.0.0.1:" + this.port)
            .get()
            .uri("/actuator/prometheus")
            .retrieve()
            .body(String.class);
        assertThat(scrape).containsPattern("(?m)^demo_work_seconds_count\\{[^}]*outcome=\"success\"[^}]*\\} 2");
        assertThat(scrape).containsPattern("(?m)^demo_work_seconds_sum\\{");
        assertThat(scrape).containsPattern("(?m)^demo_work_seconds_max\\{");
    }

    @SpringBootConfiguration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class UserApplication {

        @Bean
        Work work() {
            return new Work();
        }

    }

    static class Work {

        @Traced("demo.work")
        public String run() {
            return "done";
        }

    }

}
