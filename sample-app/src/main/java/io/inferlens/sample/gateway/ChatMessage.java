package io.inferlens.sample.gateway;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/**
 * A chat message, as in OpenAI's chat completions API.
 *
 * @param role who wrote it: system, user, assistant or tool
 * @param content its text
 * @author Inferlens
 */
public record ChatMessage(@NotBlank @Pattern(regexp = "system|user|assistant|tool",
        message = "must be one of system, user, assistant, tool") String role, @NotNull String content) {

}
