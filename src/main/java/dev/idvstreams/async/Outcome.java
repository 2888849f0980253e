package dev.idvstreams.async;

import java.time.Duration;

/**
 * How a request ended after all its attempts. A failure is data, not an exception: the processor
 * turns it into a result or a dead letter.
 */
public sealed interface Outcome<R> {

    /** Calls made to the API for this request, every one counted. */
    int attempts();

    /** How long the last call took: the sample {@link ConcurrencyBound} learns from. */
    Duration lastCallLatency();

    record Success<R>(R value, int attempts, Duration lastCallLatency) implements Outcome<R> {
    }

    record Failure<R>(Throwable error, FailureKind kind, int attempts, Duration lastCallLatency)
            implements Outcome<R> {
    }
}
