/**
 * The one observation path every Inferlens concept uses: an {@link ObservationTemplate}
 * that makes observations from their documentation, guards each step so that
 * instrumentation never breaks the call it observes, and follows a call's result until it
 * completes, whether it is returned, a {@code CompletionStage}, a {@code Mono} or a
 * {@code Flux}. Also the outcome vocabulary ({@code error.type}) and the base of the
 * contexts Inferlens observes.
 */
@NullMarked
package io.inferlens.observation;

import org.jspecify.annotations.NullMarked;
