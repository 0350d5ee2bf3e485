package io.inferlens.inference;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Observes Reactor results of model calls until they terminate: each element of a
 * {@link Flux} is a chunk of a streamed response (the first sets the time to first
 * chunk), the value of a {@link Mono} is the response. Loaded only when Reactor is on the
 * class path.
 *
 * @author Inferlens
 */
final class ReactorInference {

    private ReactorInference() {
    }

    static Object observe(Object result, Inference inference) {
        if (result instanceof Flux<?> flux) {
            inference.getContext().setStreaming(true);
            return flux.doOnNext(inference::chunk)
                .doOnError(inference::error)
                .doOnTerminate(inference::stop)
                .doOnCancel(inference::stop);
        }
        if (result instanceof Mono<?> mono) {
            return mono.doOnNext(inference::result)
                .doOnError(inference::error)
                .doOnTerminate(inference::stop)
                .doOnCancel(inference::stop);
        }
        inference.result(result);
        inference.stop();
        return result;
    }

}
