package io.inferlens.spring.ai;

import reactor.core.publisher.Flux;

import org.springframework.ai.chat.client.ChatClientRequest;
import org.springframework.ai.chat.client.ChatClientResponse;
import org.springframework.ai.chat.client.advisor.api.StreamAdvisor;
import org.springframework.ai.chat.client.advisor.api.StreamAdvisorChain;
import org.springframework.core.Ordered;

/**
 * A {@code ChatClient} advisor that watches each streamed model call, for what Spring
 * AI's observation lacks: the time to the first chunk and the usage of the final chunk.
 * It runs last but the model call itself, inside the tool-calling loop, so that each
 * round's call is watched; the chunks pass unchanged. Added to the auto-configured
 * {@code ChatClient.Builder} by a {@code ChatClientCustomizer}; a {@code ChatClient}
 * built by hand takes it with {@code defaultAdvisors(...)}.
 *
 * @author Inferlens
 */
public class SpringAiStreamAdvisor implements StreamAdvisor {

    /**
     * The advisor's order: right before Spring AI's {@code ChatModelStreamAdvisor}, which
     * is last.
     */
    public static final int ORDER = Ordered.LOWEST_PRECEDENCE - 1;

    @Override
    public Flux<ChatClientResponse> adviseStream(ChatClientRequest chatClientRequest,
            StreamAdvisorChain streamAdvisorChain) {
        return SpringAiStreamInterceptor.watch(streamAdvisorChain.nextStream(chatClientRequest));
    }

    @Override
    public String getName() {
        return "inferlens";
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

}
