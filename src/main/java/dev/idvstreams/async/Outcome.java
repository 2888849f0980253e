package dev.idvstreams.async;

import java.time.Duration;

/**
 * How a request ended after all its attempts. A failure is data, not an exception: the processor
 * turns it into a result or a dead letter.
 */
public sealed interface Outcome<R> {

  /** Calls made to the API for this request, every one counted. */
  int attempts();

  /**
   * Time spent in calls and in retry backoff, but not waiting for a token or held by the
   * breaker: the time the request needed its in-flight slot, which {@link ConcurrencyBound}
   * learns from.
   */
  Duration serviceTime();

  record Success<R>(R value, int attempts, Duration serviceTime) implements Outcome<R> {
  }

  record Failure<R>(Throwable error, FailureKind kind, int attempts, Duration serviceTime)
      implements Outcome<R> {
  }
}
