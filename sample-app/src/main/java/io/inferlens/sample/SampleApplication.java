package io.inferlens.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * A small LLM gateway: it routes each chat request between a lightweight and a powerful
 * model and calls an OpenAI-compatible backend, by default a simulated one served by the
 * same application.
 *
 * @author Inferlens
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class SampleApplication {

    public static void main(String[] args) {
        SpringApplication.run(SampleApplication.class, args);
    }

}
