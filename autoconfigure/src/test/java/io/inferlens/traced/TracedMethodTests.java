package io.inferlens.traced;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link TracedMethod}.
 *
 * @author Inferlens
 */
class TracedMethodTests {

    @Test
    void snakeCaseSplitsWordsAndAcronyms() {
        assertThat(TracedMethod.snakeCase("ChatRouter")).isEqualTo("chat_router");
        assertThat(TracedMethod.snakeCase("callModelAPI")).isEqualTo("call_model_api");
        assertThat(TracedMethod.snakeCase("LLMGateway")).isEqualTo("llm_gateway");
        assertThat(TracedMethod.snakeCase("route")).isEqualTo("route");
        assertThat(TracedMethod.snakeCase("Outer$Inner")).isEqualTo("outer_inner");
    }

}
