package io.inferlens.benchmarks;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;

/**
 * Subscriber that requests everything and counts the elements, for publishers that emit
 * synchronously on subscription or that are kept open: lighter than {@code blockLast()},
 * which would add a latch to both variants alike.
 *
 * @author Inferlens
 */
final class CountingSubscriber implements CoreSubscriber<Object> {

    private long count;

    private boolean completed;

    private @Nullable Throwable error;

    @Override
    public void onSubscribe(Subscription subscription) {
        subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(Object element) {
        this.count++;
    }

    @Override
    public void onError(Throwable error) {
        this.error = error;
    }

    @Override
    public void onComplete() {
        this.completed = true;
    }

    /**
     * Number of elements received so far.
     * @return the number of elements
     */
    long count() {
        return this.count;
    }

    /**
     * Number of elements of the stream, which must have completed.
     * @return the number of elements
     */
    long completedCount() {
        if (this.error != null) {
            throw new IllegalStateException("stream failed", this.error);
        }
        if (!this.completed) {
            throw new IllegalStateException("stream not completed after " + this.count + " elements");
        }
        return this.count;
    }

}
