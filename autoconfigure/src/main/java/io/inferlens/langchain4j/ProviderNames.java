package io.inferlens.langchain4j;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

import dev.langchain4j.model.ModelProvider;
import org.jspecify.annotations.Nullable;

/**
 * The {@code gen_ai.provider.name} of a LangChain4j {@link ModelProvider}: the
 * OpenTelemetry GenAI semantic conventions' well-known value where there is one, else the
 * provider's lower-case name. Computed once for every provider LangChain4j knows.
 *
 * @author Inferlens
 */
final class ProviderNames {

    private static final Map<ModelProvider, String> NAMES = names();

    private ProviderNames() {
    }

    /**
     * The provider name of a model.
     * @param provider the model's provider, or {@code null}
     * @return the name, or {@code null} when the model names no provider
     */
    static @Nullable String of(@Nullable ModelProvider provider) {
        return (provider != null) ? NAMES.get(provider) : null;
    }

    private static Map<ModelProvider, String> names() {
        // by name, so that a provider another LangChain4j version lacks is no linkage
        // error
        Map<String, String> wellKnown = Map.ofEntries(Map.entry("OPEN_AI", "openai"),
                Map.entry("ANTHROPIC", "anthropic"), Map.entry("GOOGLE_AI_GEMINI", "gcp.gemini"),
                Map.entry("GOOGLE_VERTEX_AI_GEMINI", "gcp.vertex_ai"),
                Map.entry("GOOGLE_VERTEX_AI_ANTHROPIC", "gcp.vertex_ai"),
                // the Google Gen AI SDK reaches both the Gemini API and Vertex AI
                Map.entry("GOOGLE_GENAI", "gcp.gen_ai"), Map.entry("AZURE_OPEN_AI", "azure.ai.openai"),
                Map.entry("MICROSOFT_FOUNDRY", "azure.ai.inference"), Map.entry("AMAZON_BEDROCK", "aws.bedrock"),
                Map.entry("MISTRAL_AI", "mistral_ai"), Map.entry("WATSONX", "ibm.watsonx.ai"),
                Map.entry("COHERE", "cohere"), Map.entry("OLLAMA", "ollama"));
        Map<ModelProvider, String> names = new EnumMap<>(ModelProvider.class);
        for (ModelProvider provider : ModelProvider.values()) {
            String name = provider.name();
            names.put(provider, wellKnown.getOrDefault(name, name.toLowerCase(Locale.ROOT)));
        }
        return names;
    }

}
