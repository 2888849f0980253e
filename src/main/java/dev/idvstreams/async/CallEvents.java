package dev.idvstreams.async;

import java.time.Duration;

/**
 * What an {@link AsyncCaller} reports as it goes, for metrics. Called on Vert.x threads, so an
 * implementation must not block.
 */
public interface CallEvents {

  /** Reports nothing. */
  CallEvents NONE = new CallEvents() {
    @Override
    public void attemptEnded(FailureKind failure, Duration latency) {
    }

    @Override
    public void retryScheduled() {
    }
  };

  /** @param failure the failed attempt's kind, or null when it succeeded */
  void attemptEnded(FailureKind failure, Duration latency);

  /** Another attempt was scheduled: after a backoff, or after the breaker's hold for an account failure. */
  void retryScheduled();
}
