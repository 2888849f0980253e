package dev.idvstreams.async;

import java.time.Duration;
import java.util.function.Function;

/**
 * How a request ended after all its attempts. A failure is data, not an exception: the processor
 * turns it into a result or a dead letter.
 */
public sealed interface CallResult<R> {

  /** Calls made to the API for this request, every one counted. */
  int attempts();

  /**
   * Time spent in calls and in retry backoff, but not waiting for a token or held by the
   * breaker: the time the request needed its in-flight slot, which {@link ConcurrencyBound}
   * learns from.
   */
  Duration serviceTime();

  /** The one of {@code onSuccess} and {@code onFailure} that matches this result, applied to it. */
  <T> T fold(Function<Success<R>, T> onSuccess, Function<Failure<R>, T> onFailure);

  record Success<R>(R value, int attempts, Duration serviceTime) implements CallResult<R> {
    @Override
    public <T> T fold(Function<Success<R>, T> onSuccess, Function<Failure<R>, T> onFailure) {
      return onSuccess.apply(this);
    }
  }

  record Failure<R>(Throwable error, FailureKind kind, int attempts, Duration serviceTime)
      implements CallResult<R> {
    @Override
    public <T> T fold(Function<Success<R>, T> onSuccess, Function<Failure<R>, T> onFailure) {
      return onFailure.apply(this);
    }
  }
}
