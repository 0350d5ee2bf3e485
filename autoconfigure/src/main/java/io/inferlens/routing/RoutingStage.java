package io.inferlens.routing;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import io.micrometer.common.KeyValues;
import org.jspecify.annotations.Nullable;

/**
 * A stage of a routing call: the routing call itself ({@link #REQUEST}), one of the
 * built-in stages, or a stage of the application's own, made with {@link #of}. A stage's
 * name is its span name and the value of the low-cardinality {@code stage} key; its
 * observation name, {@code inferlens.routing.<name>}, is what Boot's
 * {@code management.observations.enable.*} keys switch off.
 *
 * @author Inferlens
 */
public final class RoutingStage {

    /**
     * The largest number of distinct stages of the application's own: a stage name is a
     * metric tag, so names made per request would be a cardinality bug.
     */
    public static final int MAX_CUSTOM_STAGES = 100;

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_.]{0,63}");

    /**
     * The last part of the routing call's observation name, which no stage may take.
     */
    private static final String RESERVED = "request";

    /**
     * The routing call itself, parent of the other stages.
     */
    public static final RoutingStage REQUEST = new RoutingStage("routing_request", "inferlens.routing.request",
            RoutingObservationDocumentation.ROUTING_REQUEST);

    /**
     * Computing the features the candidates are scored on.
     */
    public static final RoutingStage FEATURE_ENGINEERING = builtIn("feature_engineering",
            RoutingObservationDocumentation.FEATURE_ENGINEERING);

    /**
     * Scoring the request with one candidate model.
     */
    public static final RoutingStage MODEL_INFERENCE = builtIn("model_inference",
            RoutingObservationDocumentation.MODEL_INFERENCE);

    /**
     * Estimating the uncertainty of the scores.
     */
    public static final RoutingStage UNCERTAINTY_ESTIMATION = builtIn("uncertainty_estimation",
            RoutingObservationDocumentation.UNCERTAINTY_ESTIMATION);

    /**
     * Asking a circuit breaker whether a target may be called.
     */
    public static final RoutingStage CIRCUIT_BREAKER_CHECK = builtIn("circuit_breaker_check",
            RoutingObservationDocumentation.CIRCUIT_BREAKER_CHECK);

    private static final List<RoutingStage> BUILT_IN = List.of(REQUEST, FEATURE_ENGINEERING, MODEL_INFERENCE,
            UNCERTAINTY_ESTIMATION, CIRCUIT_BREAKER_CHECK);

    private static final Map<String, RoutingStage> STAGES = new ConcurrentHashMap<>();

    static {
        for (RoutingStage stage : BUILT_IN) {
            STAGES.put(stage.name, stage);
        }
    }

    private final String name;

    private final String observationName;

    private final RoutingObservationDocumentation documentation;

    private final KeyValues stageKeyValue;

    private final DefaultRoutingObservationConvention defaultConvention;

    private RoutingStage(String name, String observationName, RoutingObservationDocumentation documentation) {
        this.name = name;
        this.observationName = observationName;
        this.documentation = documentation;
        this.stageKeyValue = (documentation != RoutingObservationDocumentation.ROUTING_REQUEST)
                ? KeyValues.of(RoutingObservationDocumentation.LowCardinalityKeyNames.STAGE.withValue(name))
                : KeyValues.empty();
        this.defaultConvention = new DefaultRoutingObservationConvention(observationName);
    }

    private static RoutingStage builtIn(String name, RoutingObservationDocumentation documentation) {
        return new RoutingStage(name, "inferlens.routing." + name, documentation);
    }

    /**
     * The stage of the given name: a built-in one, or a stage of the application's own.
     * Keep the names few and fixed, like span names: at most {@value #MAX_CUSTOM_STAGES}
     * stages of one's own are accepted.
     * @param name the name, lower case letters, digits, {@code _} and {@code .}, starting
     * with a letter, at most 64 characters
     * @return the stage
     * @throws IllegalArgumentException if the name is invalid or reserved, or one stage
     * too many
     */
    public static RoutingStage of(String name) {
        RoutingStage stage = STAGES.get(name);
        if (stage != null && !stage.isRequest()) {
            return stage;
        }
        if (stage != null || RESERVED.equals(name)) {
            throw new IllegalArgumentException("Routing stage name '" + name + "' is reserved for the routing call"
                    + " itself (observation inferlens.routing.request)");
        }
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("Routing stage name '" + name.toLowerCase(Locale.ROOT)
                    + "' is invalid: use lower case letters, digits, '_' and '.', starting with a letter, at most"
                    + " 64 characters");
        }
        synchronized (STAGES) {
            stage = STAGES.get(name);
            if (stage == null) {
                if (STAGES.size() >= MAX_CUSTOM_STAGES + BUILT_IN.size()) {
                    throw new IllegalArgumentException(
                            "Routing stage '" + name + "' is one too many: at most " + MAX_CUSTOM_STAGES
                                    + " stages of one's own are observed; stage names must not vary" + " per call");
                }
                stage = new RoutingStage(name, "inferlens.routing." + name, RoutingObservationDocumentation.STAGE);
                STAGES.put(name, stage);
            }
            return stage;
        }
    }

    /**
     * The built-in stages, the routing call first.
     * @return the stages
     */
    public static List<RoutingStage> builtIn() {
        return BUILT_IN;
    }

    /**
     * Name of the stage: its span name and the value of the {@code stage} key.
     * @return the name
     */
    public String getName() {
        return this.name;
    }

    /**
     * Name of the observations of this stage, the prefix of Boot's
     * {@code management.observations.enable.*} keys.
     * @return the observation name
     */
    public String getObservationName() {
        return this.observationName;
    }

    /**
     * Documentation of the observations of this stage.
     * @return the documentation
     */
    public RoutingObservationDocumentation getDocumentation() {
        return this.documentation;
    }

    /**
     * Whether this is the routing call itself.
     * @return whether it is {@link #REQUEST}
     */
    public boolean isRequest() {
        return this == REQUEST;
    }

    KeyValues getStageKeyValue() {
        return this.stageKeyValue;
    }

    DefaultRoutingObservationConvention getDefaultConvention() {
        return this.defaultConvention;
    }

    @Override
    public boolean equals(@Nullable Object other) {
        return other instanceof RoutingStage stage && stage.name.equals(this.name);
    }

    @Override
    public int hashCode() {
        return Objects.hash(this.name);
    }

    @Override
    public String toString() {
        return this.name;
    }

}
