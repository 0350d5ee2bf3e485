package io.inferlens.spring.ai;

import java.util.function.Consumer;

import io.inferlens.observation.FailureLog;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxOperator;
import reactor.core.publisher.SignalType;

/**
 * Watches the streams of Spring AI chat model beans that can be proxied (Spring AI's
 * {@code OpenAiChatModel} is final: its streams are watched by
 * {@link SpringAiStreamAdvisor} in {@code ChatClient}s), for what Spring AI's observation
 * lacks: the time to the first chunk, and the usage of the final chunk. Each subscription
 * gets a {@link StreamedCall} that the {@link SpringAiObservationHandler} joins to the
 * observation Spring AI starts on subscription. The chunks pass unchanged; a failure here
 * is logged and never reaches the stream.
 *
 * @author Inferlens
 */
public class SpringAiStreamInterceptor implements MethodInterceptor {

    private static final Log logger = LogFactory.getLog(SpringAiStreamInterceptor.class);

    private static final FailureLog failures = new FailureLog(logger,
            "Failed to %s a chunk of a Spring AI stream; the stream itself is unaffected");

    @Override
    public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
        Object result = invocation.proceed();
        return (result instanceof Flux<?> flux) ? watch(flux) : result;
    }

    /**
     * The given stream, each subscription to it watched.
     * @param <T> the type of the chunks
     * @param flux the stream
     * @return the watched stream
     */
    static <T> Flux<T> watch(Flux<T> flux) {
        return new WatchedFlux<>(flux);
    }

    private static final class WatchedFlux<T> extends FluxOperator<T, T> {

        WatchedFlux(Flux<? extends T> source) {
            super(source);
        }

        @Override
        public void subscribe(CoreSubscriber<? super T> actual) {
            StreamedCall streamed = new StreamedCall();
            Consumer<T> onChunk = (chunk) -> {
                try {
                    streamed.onChunk(chunk);
                }
                catch (RuntimeException | LinkageError ex) {
                    failures.log("read", ex);
                }
            };
            @SuppressWarnings("unchecked")
            Flux<T> watched = ((Flux<T>) this.source).doOnNext(onChunk).doFinally((signal) -> {
                if (signal == SignalType.CANCEL) {
                    streamed.cancelled();
                }
                streamed.end();
            });
            StreamedCall previous = streamed.subscribing();
            try {
                watched.subscribe(actual);
            }
            finally {
                StreamedCall.subscribed(previous);
            }
        }

    }

}
