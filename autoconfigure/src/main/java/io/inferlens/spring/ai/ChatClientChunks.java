package io.inferlens.spring.ai;

import org.jspecify.annotations.Nullable;

import org.springframework.ai.chat.client.ChatClientResponse;
import org.springframework.ai.chat.model.ChatResponse;

/**
 * The chunks of a {@code ChatClient}'s stream; loaded only when Spring AI's
 * {@code spring-ai-client-chat} is on the class path.
 *
 * @author Inferlens
 */
final class ChatClientChunks {

    private ChatClientChunks() {
    }

    static @Nullable ChatResponse response(Object chunk) {
        return (chunk instanceof ChatClientResponse response) ? response.chatResponse() : null;
    }

}
