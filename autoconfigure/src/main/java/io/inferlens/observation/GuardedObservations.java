package io.inferlens.observation;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

/**
 * The steps of an observation (open and close its scope, record an error, stop it), each
 * guarded so that a failing handler never reaches the observed call: the failure is
 * logged through a {@link FailureLog}, and a scope that fails to open or close puts back
 * the scope that was current before, so that no stopped observation stays current on a
 * pooled thread. Shared by the observers of {@code @Traced}, {@code @TracedInference} and
 * {@code @TracedRouting}.
 *
 * @author Inferlens
 */
public final class GuardedObservations {

    private final ObservationRegistry registry;

    private final FailureLog failures;

    /**
     * Create the guarded steps.
     * @param registry the registry whose current scope is restored on failure
     * @param failures the log of failures, whose message takes the failed action, such as
     * {@code "Failed to %s the observation of a model call; the call itself is unaffected"}
     */
    public GuardedObservations(ObservationRegistry registry, FailureLog failures) {
        this.registry = registry;
        this.failures = failures;
    }

    /**
     * The scope current on this thread, to pass to {@link #openScope} and
     * {@link #closeScope}.
     * @return the current scope, or {@code null}
     */
    public Observation.@Nullable Scope currentScope() {
        return this.registry.getCurrentObservationScope();
    }

    /**
     * Open a scope for the observation.
     * @param observation the observation
     * @param enclosing the scope current before
     * @return the scope, or a no-op scope if it failed to open
     */
    public Observation.Scope openScope(Observation observation, Observation.@Nullable Scope enclosing) {
        try {
            return observation.openScope();
        }
        catch (Throwable ex) {
            this.failures.log("open a scope for", ex);
            restore(enclosing);
            return Observation.Scope.NOOP;
        }
    }

    /**
     * Close a scope.
     * @param scope the scope
     * @param enclosing the scope current before it was opened
     */
    public void closeScope(Observation.Scope scope, Observation.@Nullable Scope enclosing) {
        try {
            scope.close();
        }
        catch (Throwable ex) {
            this.failures.log("close the scope of", ex);
            restore(enclosing);
        }
    }

    /**
     * Record an error on the observation.
     * @param observation the observation
     * @param error the error
     */
    public void error(Observation observation, Throwable error) {
        try {
            observation.error(error);
        }
        catch (Throwable ex) {
            this.failures.log("record the error of", ex);
        }
    }

    /**
     * Stop the observation.
     * @param observation the observation
     */
    public void stop(Observation observation) {
        try {
            observation.stop();
        }
        catch (Throwable ex) {
            this.failures.log("stop", ex);
        }
    }

    /**
     * Log a failure of another step.
     * @param action what failed, such as {@code "start"}
     * @param ex the exception
     */
    public void failed(String action, Throwable ex) {
        this.failures.log(action, ex);
    }

    private void restore(Observation.@Nullable Scope enclosing) {
        try {
            this.registry.setCurrentObservationScope(enclosing);
        }
        catch (Throwable ex) {
            this.failures.log("restore the enclosing scope of", ex);
        }
    }

    /**
     * The exception a {@link java.util.concurrent.CompletionStage} failed with, without
     * the {@link CompletionException} or {@link ExecutionException} wrapping it.
     * @param error the error the stage completed with
     * @return the cause
     */
    public static Throwable unwrap(Throwable error) {
        Throwable current = error;
        while ((current instanceof CompletionException || current instanceof ExecutionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }

}
