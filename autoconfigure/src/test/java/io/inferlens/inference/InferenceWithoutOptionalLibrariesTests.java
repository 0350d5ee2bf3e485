package io.inferlens.inference;

import java.lang.reflect.Method;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import io.inferlens.annotation.InferenceModel;
import io.inferlens.annotation.TracedInference;
import io.inferlens.testsupport.IsolatedClassPath;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The recorder and its collaborators loaded by a class loader from which an optional
 * library is really absent (unlike a {@code FilteredClassLoader}, which only hides
 * classes from conditions): each probe runs in that class loader and reports what it saw.
 *
 * @author Inferlens
 */
class InferenceWithoutOptionalLibrariesTests {

    @Test
    void recorderWorksWithoutMicrometerCore() throws Exception {
        try (URLClassLoader loader = IsolatedClassPath.without("micrometer-core-")) {
            assertThatExceptionOfType(ClassNotFoundException.class)
                .isThrownBy(() -> loader.loadClass("io.micrometer.core.instrument.MeterRegistry"));
            assertThat(IsolatedClassPath.run(loader, RecorderProbe.class))
                .isEqualTo("chat gpt-4o 5/2, embeddings text-embed stopped");
        }
    }

    @Test
    void methodsResolveAndAreObservedWithoutReactor() throws Exception {
        try (URLClassLoader loader = IsolatedClassPath.without("reactor-core-")) {
            assertThatExceptionOfType(ClassNotFoundException.class)
                .isThrownBy(() -> loader.loadClass("reactor.core.publisher.Flux"));
            assertThat(IsolatedClassPath.run(loader, RecorderProbe.class))
                .isEqualTo("chat gpt-4o 5/2, embeddings text-embed stopped");
            assertThat(IsolatedClassPath.run(loader, ResultKindProbe.class)).isEqualTo("PLAIN COMPLETION_STAGE PLAIN");
        }
    }

    @Test
    void builtInExtractorsWorkWithoutSpringAi() throws Exception {
        try (URLClassLoader loader = IsolatedClassPath.without("spring-ai-")) {
            assertThatExceptionOfType(ClassNotFoundException.class)
                .isThrownBy(() -> loader.loadClass("org.springframework.ai.chat.model.ChatResponse"));
            assertThat(IsolatedClassPath.run(loader, ExtractorsProbe.class))
                .isEqualTo("2 [OpenAiTokenUsageExtractor] 5/2");
        }
    }

    private static InferenceRecorder recorder(ObservationRegistry registry) {
        return new InferenceRecorder(registry, null, new TokenUsageExtractors(TokenUsageExtractors.builtIn()),
                new ContentCapture(true, 100), "openai", CacheMetrics.NONE);
    }

    public static class RecorderProbe implements Supplier<String> {

        @Override
        public String get() {
            ObservationRegistry registry = ObservationRegistry.create();
            List<String> stopped = new ArrayList<>();
            registry.observationConfig().observationHandler(new ObservationHandler<InferenceObservationContext>() {

                @Override
                public void onStop(InferenceObservationContext context) {
                    TokenUsage usage = context.getUsage();
                    stopped.add(context.getContextualName()
                            + (usage.hasTokens() ? " " + usage.inputTokens() + "/" + usage.outputTokens() : ""));
                }

                @Override
                public boolean supportsContext(Observation.Context context) {
                    return context instanceof InferenceObservationContext;
                }

            });
            InferenceRecorder recorder = recorder(registry);
            try {
                recorder.observe("chat", null, "gpt-4o",
                        () -> Map.of("usage", Map.of("prompt_tokens", 5, "completion_tokens", 2)));
                Method embed = Models.class.getMethod("embed", String.class);
                recorder.observe(InferenceMethods.resolve(embed, Models.class), new Object[] { "text-embed" },
                        () -> "vector");
            }
            catch (Throwable ex) {
                throw new IllegalStateException(ex);
            }
            recorder.recordCacheHit();
            return String.join(", ", stopped) + " stopped";
        }

    }

    public static class ResultKindProbe implements Supplier<String> {

        @Override
        public String get() {
            List<String> kinds = new ArrayList<>();
            for (Method method : new Method[] { method("embed"), method("async"), method("stream") }) {
                kinds.add(InferenceMethods.resolve(method, Models.class).getResultKind().name());
            }
            return String.join(" ", kinds);
        }

        private static Method method(String name) {
            for (Method method : Models.class.getMethods()) {
                if (method.getName().equals(name)) {
                    return method;
                }
            }
            throw new IllegalStateException(name);
        }

    }

    public static class ExtractorsProbe implements Supplier<String> {

        @Override
        public String get() {
            List<TokenUsageExtractor> builtIn = TokenUsageExtractors.builtIn();
            List<String> named = new ArrayList<>();
            for (TokenUsageExtractor extractor : builtIn) {
                if (!extractor.getClass().isSynthetic()) {
                    named.add(extractor.getClass().getSimpleName());
                }
            }
            TokenUsage usage = new TokenUsageExtractors(builtIn)
                .extract(Map.of("usage", Map.of("prompt_tokens", 5, "completion_tokens", 2)));
            return builtIn.size() + " " + named + " " + usage.inputTokens() + "/" + usage.outputTokens();
        }

    }

    public static class Models {

        @TracedInference(operation = "embeddings")
        public String embed(@InferenceModel String model) {
            return model;
        }

        @TracedInference
        public CompletableFuture<String> async() {
            return CompletableFuture.completedFuture("done");
        }

        @TracedInference
        public Iterable<String> stream() {
            return List.of();
        }

    }

}
