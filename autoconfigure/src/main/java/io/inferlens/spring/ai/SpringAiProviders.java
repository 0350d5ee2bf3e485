package io.inferlens.spring.ai;

import java.util.Locale;
import java.util.Map;

/**
 * Spring AI's provider names ({@code AiProvider}, reported as the deprecated
 * {@code gen_ai.system}) as the {@code gen_ai.provider.name} values of the OpenTelemetry
 * GenAI semantic conventions; a provider the conventions do not name keeps Spring AI's
 * value.
 *
 * @author Inferlens
 */
final class SpringAiProviders {

    private static final Map<String, String> PROVIDERS = Map.ofEntries(Map.entry("openai", "openai"),
            Map.entry("openai_sdk", "openai"), Map.entry("anthropic", "anthropic"),
            Map.entry("azure-openai", "azure.ai.openai"), Map.entry("azure_openai", "azure.ai.openai"),
            Map.entry("bedrock_converse", "aws.bedrock"), Map.entry("bedrock", "aws.bedrock"),
            Map.entry("vertex_ai", "gcp.vertex_ai"), Map.entry("google_genai", "gcp.gen_ai"),
            Map.entry("mistral_ai", "mistral_ai"), Map.entry("deepseek", "deepseek"), Map.entry("groq", "groq"),
            Map.entry("ollama", "ollama"), Map.entry("minimax", "minimax"), Map.entry("zhipuai", "zhipuai"));

    private SpringAiProviders() {
    }

    static String providerName(String springAiProvider) {
        String provider = PROVIDERS.get(springAiProvider.toLowerCase(Locale.ROOT));
        return (provider != null) ? provider : springAiProvider;
    }

    /**
     * The conventions' operation name: {@code embeddings} where Spring AI says
     * {@code embedding}.
     */
    static String operationName(String springAiOperation) {
        return "embedding".equals(springAiOperation) ? "embeddings" : springAiOperation;
    }

}
