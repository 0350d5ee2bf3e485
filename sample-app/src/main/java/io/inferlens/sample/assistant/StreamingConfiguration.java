package io.inferlens.sample.assistant;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.support.ContextPropagatingTaskDecorator;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.web.servlet.config.annotation.AsyncSupportConfigurer;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The executor Spring MVC writes streamed answers with. The gateway's own executor bean
 * makes Boot back off its application task executor, which Spring MVC would otherwise
 * use; without this, Spring MVC falls back to a new thread per stream and warns that this
 * is not for production. Tasks carry the caller's context (its trace, its logging
 * fields).
 *
 * @author Inferlens
 */
@Configuration(proxyBeanMethods = false)
public class StreamingConfiguration {

    @Bean
    ThreadPoolTaskExecutor mvcAsyncExecutor() {
        ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
        executor.setThreadNamePrefix("mvc-async-");
        executor.setCorePoolSize(4);
        executor.setMaxPoolSize(16);
        executor.setQueueCapacity(256);
        executor.setTaskDecorator(new ContextPropagatingTaskDecorator());
        return executor;
    }

    @Bean
    WebMvcConfigurer asyncSupport(ThreadPoolTaskExecutor mvcAsyncExecutor) {
        return new WebMvcConfigurer() {

            @Override
            public void configureAsyncSupport(AsyncSupportConfigurer configurer) {
                configurer.setTaskExecutor(mvcAsyncExecutor);
            }

        };
    }

}
