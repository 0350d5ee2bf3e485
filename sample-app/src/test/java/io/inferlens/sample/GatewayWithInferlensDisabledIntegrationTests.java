package io.inferlens.sample;

import java.util.List;
import java.util.Map;

import io.inferlens.spring.aop.TracedPointcutAdvisor;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample gateway with {@code inferlens.enabled=false}: it serves chat requests as
 * before, and Inferlens adds nothing.
 *
 * @author Inferlens
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "server.address=127.0.0.1", "gateway.simulator.latency=0ms", "inferlens.enabled=false" })
@AutoConfigureMetrics
class GatewayWithInferlensDisabledIntegrationTests {

    @LocalServerPort
    private int port;

    @Autowired
    private ApplicationContext context;

    @Test
    void chatStillWorksAndNoTracedTimerIsRecorded() {
        RestClient client = RestClient.create("http://127.0.0.1:" + this.port);
        String answer = client.post()
            .uri("/v1/chat/completions")
            .contentType(MediaType.APPLICATION_JSON)
            .body(Map.of("model", "auto", "messages", List.of(Map.of("role", "user", "content", "hi"))))
            .retrieve()
            .body(String.class);
        assertThat(answer).contains("\"object\":\"chat.completion\"");
        assertThat(this.context.getBeanNamesForType(TracedPointcutAdvisor.class)).isEmpty();
        String scrape = client.get().uri("/actuator/prometheus").retrieve().body(String.class);
        assertThat(scrape).contains("http_server_requests_seconds_count").doesNotContain("gateway_route_seconds");
    }

}
