package io.inferlens.inference;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static io.inferlens.inference.TokenUsage.UNKNOWN;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link OpenAiTokenUsageExtractor}.
 *
 * @author Inferlens
 */
class OpenAiTokenUsageExtractorTests {

    private final OpenAiTokenUsageExtractor extractor = new OpenAiTokenUsageExtractor();

    @Test
    void chunksOfAStreamMergeIntoTheUsageOfTheWholeCompletion() {
        List<Map<String, Object>> chunks = List.of(chunk("gpt-4o-a", null), chunk("gpt-4o-a", null),
                chunk("gpt-4o-b", null), chunk("gpt-4o-b", "stop"), Map.of("model", "gpt-4o-b", "choices", List.of(),
                        "usage", Map.of("prompt_tokens", 12, "completion_tokens", 3)));
        TokenUsage merged = TokenUsage.NONE;
        for (Map<String, Object> chunk : chunks) {
            TokenUsage usage = this.extractor.extract(chunk);
            assertThat(usage).isNotNull();
            merged = usage.orElse(merged);
        }
        assertThat(merged).isEqualTo(new TokenUsage(12, 3, TokenUsage.UNKNOWN, "gpt-4o-b", List.of("stop")));
        // a chunk that says nothing new leaves the usage as it was
        TokenUsage again = this.extractor.extract(chunk("gpt-4o-b", null));
        assertThat(again.orElse(merged)).isSameAs(merged);
    }

    @Test
    void choicesArrayWithANullChoiceIsRead() {
        Object[] choices = { null, Map.of("index", 1, "finish_reason", "length") };
        assertThat(this.extractor.extract(Map.of("choices", choices)).finishReasons()).containsExactly("length");
    }

    private static Map<String, Object> chunk(String model, @Nullable String finishReason) {
        Map<String, Object> choice = new java.util.HashMap<>(Map.of("index", 0, "delta", Map.of("content", "x")));
        if (finishReason != null) {
            choice.put("finish_reason", finishReason);
        }
        return Map.of("model", model, "choices", List.of(choice));
    }

    @Test
    void chatCompletionsJsonIsRead() {
        Map<String, Object> response = Map.of("id", "chatcmpl-1", "model", "gpt-4o-2024-08-06", "choices",
                List.of(Map.of("index", 0, "finish_reason", "stop"), Map.of("index", 1, "finish_reason", "length")),
                "usage", Map.of("prompt_tokens", 120, "completion_tokens", 30, "total_tokens", 150,
                        "prompt_tokens_details", Map.of("cached_tokens", 100)));
        assertThat(this.extractor.extract(response))
            .isEqualTo(new TokenUsage(120, 30, 100, "gpt-4o-2024-08-06", List.of("stop", "length")));
    }

    @Test
    void responsesApiJsonIsRead() {
        Map<String, Object> response = Map.of("object", "response", "model", "gpt-4.1", "output", List.of(), "usage",
                Map.of("input_tokens", 50L, "output_tokens", 9L, "input_tokens_details", Map.of("cached_tokens", 0)));
        assertThat(this.extractor.extract(response)).isEqualTo(new TokenUsage(50, 9, 0, "gpt-4.1", List.of()));
    }

    @Test
    void countsSentAsStringsAreRead() {
        Map<String, Object> response = Map.of("usage", Map.of("prompt_tokens", "12", "completion_tokens", " 3 "));
        assertThat(this.extractor.extract(response)).isEqualTo(TokenUsage.of(12, 3));
    }

    @Test
    void countThatIsNotANumberIsUnknown() {
        Map<String, Object> response = Map.of("usage", Map.of("prompt_tokens", "many", "completion_tokens", 3.0));
        assertThat(this.extractor.extract(response)).isEqualTo(TokenUsage.of(UNKNOWN, 3));
    }

    @Test
    void recordsWithCamelCaseAccessorsAreRead() {
        CamelResponse response = new CamelResponse("gpt-4o-mini", List.of(new CamelChoice(0, "tool_calls")),
                new CamelUsage(20, 5, new CamelDetails(16)));
        assertThat(this.extractor.extract(response))
            .isEqualTo(new TokenUsage(20, 5, 16, "gpt-4o-mini", List.of("tool_calls")));
    }

    @Test
    void javaBeansWithGettersAreRead() {
        assertThat(this.extractor.extract(new BeanResponse()))
            .isEqualTo(new TokenUsage(7, 2, UNKNOWN, "o3", List.of("stop")));
    }

    @Test
    void recordsWithSnakeCaseAccessorsAreRead() {
        SnakeResponse response = new SnakeResponse("gpt-4o", new SnakeUsage(33, 4),
                new SnakeChoice[] { new SnakeChoice("content_filter") });
        assertThat(this.extractor.extract(response))
            .isEqualTo(new TokenUsage(33, 4, UNKNOWN, "gpt-4o", List.of("content_filter")));
    }

    @Test
    void optionalFieldsAsTheOfficialSdkReturnsThemAreRead() {
        SdkResponse response = new SdkResponse("gpt-4o", List.of(new CamelChoice(0, "stop")),
                Optional.of(new SdkUsage(9, 1, Optional.of(new SdkDetails(Optional.of(8L))))));
        assertThat(this.extractor.extract(response)).isEqualTo(new TokenUsage(9, 1, 8, "gpt-4o", List.of("stop")));
        assertThat(this.extractor.extract(new SdkResponse("gpt-4o", List.of(), Optional.empty())))
            .isEqualTo(new TokenUsage(UNKNOWN, UNKNOWN, UNKNOWN, "gpt-4o", List.of()));
    }

    @Test
    void streamChunkWithChoicesButNoUsageReportsOnlyFinishReasons() {
        Map<String, Object> first = new HashMap<>();
        first.put("model", "gpt-4o");
        first.put("choices", List.of(Map.of("index", 0, "delta", Map.of("content", "Hel"))));
        first.put("usage", null);
        TokenUsage firstUsage = this.extractor.extract(first);
        assertThat(firstUsage).isEqualTo(new TokenUsage(UNKNOWN, UNKNOWN, UNKNOWN, "gpt-4o", List.of()));
        assertThat(firstUsage.hasTokens()).isFalse();
        Map<String, Object> last = Map.of("model", "gpt-4o", "choices",
                List.of(Map.of("index", 0, "delta", Map.of(), "finish_reason", "stop")));
        assertThat(this.extractor.extract(last))
            .isEqualTo(new TokenUsage(UNKNOWN, UNKNOWN, UNKNOWN, "gpt-4o", List.of("stop")));
    }

    @Test
    void usageOnlyLastChunkReportsTokens() {
        Map<String, Object> chunk = Map.of("choices", List.of(), "usage",
                Map.of("prompt_tokens", 11, "completion_tokens", 2));
        assertThat(this.extractor.extract(chunk)).isEqualTo(TokenUsage.of(11, 2));
    }

    @Test
    void objectsThatAreNotOpenAiShapedAreNotRead() {
        assertThat(this.extractor.extract("a completion")).isNull();
        assertThat(this.extractor.extract(42)).isNull();
        assertThat(this.extractor.extract(new Object())).isNull();
        assertThat(this.extractor.extract(List.of(Map.of("usage", Map.of("prompt_tokens", 1))))).isNull();
        assertThat(this.extractor.extract(Map.of("model", "gpt-4o", "text", "hi"))).isNull();
        assertThat(this.extractor.extract(new Answer("hi", "gpt-4o"))).isNull();
    }

    @Test
    void nonPublicRecordsAreRead() {
        assertThat(this.extractor.extract(new HiddenResponse(new HiddenUsage(6, 2)))).isEqualTo(TokenUsage.of(6, 2));
    }

    @Test
    void accessorThatThrowsIsTakenAsAbsent() {
        assertThat(this.extractor.extract(new ThrowingResponse())).isNull();
    }

    @Test
    void accessorsOfOneClassAreNotUsedForAnother() {
        assertThat(this.extractor.extract(new HiddenResponse(new HiddenUsage(6, 2)))).isEqualTo(TokenUsage.of(6, 2));
        assertThat(this.extractor.extract(new SnakeResponse(null, new SnakeUsage(1, 1), new SnakeChoice[0])))
            .isEqualTo(TokenUsage.of(1, 1));
        assertThat(this.extractor.extract(new Answer("hi", "gpt-4o"))).isNull();
        assertThat(this.extractor.extract(new HiddenResponse(new HiddenUsage(8, 3)))).isEqualTo(TokenUsage.of(8, 3));
    }

    public record CamelResponse(String model, List<CamelChoice> choices, CamelUsage usage) {

    }

    public record CamelChoice(int index, String finishReason) {

    }

    public record CamelUsage(long promptTokens, long completionTokens, CamelDetails promptTokensDetails) {

    }

    public record CamelDetails(int cachedTokens) {

    }

    public record SnakeResponse(String model, SnakeUsage usage, SnakeChoice[] choices) {

    }

    public record SnakeUsage(long prompt_tokens, long completion_tokens) {

    }

    public record SnakeChoice(String finish_reason) {

    }

    public record SdkResponse(String model, List<CamelChoice> choices, Optional<SdkUsage> usage) {

    }

    public record SdkUsage(long promptTokens, long completionTokens, Optional<SdkDetails> promptTokensDetails) {

    }

    public record SdkDetails(Optional<Long> cachedTokens) {

    }

    public record Answer(String text, String model) {

    }

    private record HiddenResponse(HiddenUsage usage) {

    }

    private record HiddenUsage(long inputTokens, long outputTokens) {

    }

    public static class BeanResponse {

        public String getModel() {
            return "o3";
        }

        public List<BeanChoice> getChoices() {
            return List.of(new BeanChoice());
        }

        public BeanUsage getUsage() {
            return new BeanUsage();
        }

    }

    public static class BeanChoice {

        public String getFinishReason() {
            return "stop";
        }

    }

    public static class BeanUsage {

        public Integer getPromptTokens() {
            return 7;
        }

        public Integer getCompletionTokens() {
            return 2;
        }

        public BeanDetails getPromptTokensDetails() {
            return new BeanDetails();
        }

    }

    public static class BeanDetails {

        public Integer getCachedTokens() {
            return null;
        }

    }

    public static class ThrowingResponse {

        public Object getUsage() {
            throw new IllegalStateException("not loaded");
        }

    }

}
