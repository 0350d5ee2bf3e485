package io.inferlens.inference;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * Reads OpenAI-shaped responses: a {@code usage} with {@code prompt_tokens} and
 * {@code completion_tokens} (or {@code input_tokens} and {@code output_tokens}, as in the
 * Responses API and Anthropic's), cached tokens in {@code prompt_tokens_details} or
 * {@code input_tokens_details}, a {@code model}, and {@code choices} with a
 * {@code finish_reason} each.
 * <p>
 * The response may be a {@link Map} (parsed JSON), or a record or bean with accessors
 * named after the fields, in camel case ({@code usage()}, {@code getUsage()},
 * {@code promptTokens()}, {@code getPromptTokens()}) or as in the JSON
 * ({@code prompt_tokens()}), possibly returning an {@link Optional} as the official
 * openai-java SDK's do. Accessors are looked up once per class.
 *
 * @author Inferlens
 */
public class OpenAiTokenUsageExtractor implements TokenUsageExtractor {

    private static final String[] USAGE = { "usage" };

    private static final String[] MODEL = { "model" };

    private static final String[] CHOICES = { "choices" };

    private static final String[] FINISH_REASON = { "finish_reason", "finishReason" };

    private static final String[] INPUT_TOKENS = { "prompt_tokens", "promptTokens", "input_tokens", "inputTokens" };

    private static final String[] OUTPUT_TOKENS = { "completion_tokens", "completionTokens", "output_tokens",
            "outputTokens" };

    private static final String[] INPUT_DETAILS = { "prompt_tokens_details", "promptTokensDetails",
            "input_tokens_details", "inputTokensDetails" };

    private static final String[] CACHED_TOKENS = { "cached_tokens", "cachedTokens" };

    private static final Method NONE;

    static {
        try {
            NONE = Object.class.getMethod("hashCode");
        }
        catch (NoSuchMethodException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /**
     * Accessors of each class, by field: {@link #NONE} when the class has none.
     */
    private final ClassValue<Map<String, Method>> accessors = new ClassValue<>() {
        @Override
        protected Map<String, Method> computeValue(Class<?> type) {
            return new java.util.concurrent.ConcurrentHashMap<>();
        }
    };

    /**
     * The usage of the last chunk that said nothing but its model, reused while the model
     * is the same.
     */
    private volatile @Nullable ModelOnly lastModelOnly;

    @Override
    public @Nullable TokenUsage extract(Object result) {
        Object usage = get(result, USAGE);
        Object choices = get(result, CHOICES);
        if (usage == null && choices == null) {
            return null;
        }
        long input = TokenUsage.UNKNOWN;
        long output = TokenUsage.UNKNOWN;
        long cached = TokenUsage.UNKNOWN;
        if (usage != null) {
            input = number(get(usage, INPUT_TOKENS));
            output = number(get(usage, OUTPUT_TOKENS));
            Object details = get(usage, INPUT_DETAILS);
            cached = (details != null) ? number(get(details, CACHED_TOKENS)) : TokenUsage.UNKNOWN;
        }
        Object model = get(result, MODEL);
        String modelName = (model instanceof String name) ? name : null;
        List<String> finishReasons = finishReasons(choices);
        if (usage == null && finishReasons.isEmpty()) {
            // most chunks of a stream: nothing but the model, the same in every chunk
            return modelOnly(modelName);
        }
        return new TokenUsage(input, output, cached, modelName, finishReasons);
    }

    private TokenUsage modelOnly(@Nullable String modelName) {
        if (modelName == null) {
            return TokenUsage.NONE;
        }
        ModelOnly last = this.lastModelOnly;
        if (last != null && last.name().equals(modelName)) {
            return last.usage();
        }
        TokenUsage usage = new TokenUsage(TokenUsage.UNKNOWN, TokenUsage.UNKNOWN, TokenUsage.UNKNOWN, modelName,
                List.of());
        this.lastModelOnly = new ModelOnly(modelName, usage);
        return usage;
    }

    private List<String> finishReasons(@Nullable Object choices) {
        Collection<?> items = (choices instanceof Collection<?> collection) ? collection
                : (choices instanceof Object[] array) ? Arrays.asList(array) : List.of();
        List<String> reasons = null;
        for (Object choice : items) {
            Object reason = (choice != null) ? get(choice, FINISH_REASON) : null;
            if (reason != null) {
                if (reasons == null) {
                    reasons = new ArrayList<>(items.size());
                }
                reasons.add(reason.toString());
            }
        }
        return (reasons != null) ? reasons : List.of();
    }

    private @Nullable Object get(Object source, String[] names) {
        if (source instanceof Map<?, ?> map) {
            for (String name : names) {
                Object value = map.get(name);
                if (value != null) {
                    return value;
                }
            }
            return null;
        }
        Method accessor = accessor(source.getClass(), names);
        if (accessor == NONE) {
            return null;
        }
        try {
            Object value = accessor.invoke(source);
            // the official openai-java SDK returns optional fields as Optional
            return (value instanceof Optional<?> optional) ? optional.orElse(null) : value;
        }
        catch (ReflectiveOperationException ex) {
            return null;
        }
    }

    private Method accessor(Class<?> type, String[] names) {
        Map<String, Method> cache = this.accessors.get(type);
        Method accessor = cache.get(names[0]);
        if (accessor == null) {
            accessor = findAccessor(type, names);
            cache.putIfAbsent(names[0], accessor);
        }
        return accessor;
    }

    private static Method findAccessor(Class<?> type, String[] names) {
        for (String name : names) {
            String camel = camelCase(name);
            for (String candidate : new String[] { name, camel,
                    "get" + Character.toUpperCase(camel.charAt(0)) + camel.substring(1) }) {
                Method method = publicNoArgMethod(type, candidate);
                if (method != null) {
                    return method;
                }
            }
        }
        return NONE;
    }

    private static @Nullable Method publicNoArgMethod(Class<?> type, String name) {
        try {
            Method method = type.getMethod(name);
            if (Modifier.isStatic(method.getModifiers()) || method.getReturnType() == void.class) {
                return null;
            }
            method.trySetAccessible();
            return method;
        }
        catch (NoSuchMethodException | SecurityException ex) {
            return null;
        }
    }

    private static String camelCase(String name) {
        StringBuilder builder = new StringBuilder(name.length());
        boolean upper = false;
        for (char c : name.toCharArray()) {
            if (c == '_') {
                upper = true;
            }
            else {
                builder.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return builder.toString();
    }

    private static long number(@Nullable Object value) {
        if (value instanceof Number number) {
            return number.longValue();
        }
        if (value instanceof String text) {
            try {
                return Long.parseLong(text.trim());
            }
            catch (NumberFormatException ex) {
                return TokenUsage.UNKNOWN;
            }
        }
        return TokenUsage.UNKNOWN;
    }

    private record ModelOnly(String name, TokenUsage usage) {

    }

}
