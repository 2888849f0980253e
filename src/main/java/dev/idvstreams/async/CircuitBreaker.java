package dev.idvstreams.async;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Stops calls to one API while its account cannot call at all (access denied, in debt, not
 * subscribed, bad credentials). Such errors are not the requests' fault, so requests are held
 * rather than failed while the breaker is open; after a probe interval exactly one probe goes
 * through, and its answer closes the breaker or re-opens it with a longer interval.
 *
 * <p>Thread-safe: calls on different event loops share one breaker per API.
 */
public final class CircuitBreaker {

  public enum State { CLOSED, OPEN, HALF_OPEN }

  private final long initialProbeIntervalNanos;
  private final long maxProbeIntervalNanos;
  private final double probeIntervalGrowth;
  private final LongSupplier nanoTime;

  private State state = State.CLOSED;
  private long probeIntervalNanos;
  private long openedAtNanos;

  /**
   * @param initialProbeInterval time from opening to the first probe
   * @param maxProbeInterval the longest interval between probes
   * @param probeIntervalGrowth factor applied to the interval each time a probe fails, at least 1
   * @param nanoTime the clock
   */
  public CircuitBreaker(Duration initialProbeInterval, Duration maxProbeInterval,
      double probeIntervalGrowth, LongSupplier nanoTime) {
    if (maxProbeInterval.compareTo(initialProbeInterval) < 0 || probeIntervalGrowth < 1) {
      throw new IllegalArgumentException("need initial <= max probe interval and growth >= 1");
    }
    this.initialProbeIntervalNanos = initialProbeInterval.toNanos();
    this.maxProbeIntervalNanos = maxProbeInterval.toNanos();
    this.probeIntervalGrowth = probeIntervalGrowth;
    this.nanoTime = nanoTime;
    this.probeIntervalNanos = initialProbeIntervalNanos;
  }

  /**
   * @return true if a call may go out now; when this returns true in the OPEN state, the caller
   *     is the probe and must report its answer with {@link #onSuccess()} or
   *     {@link #onAccountFailure()}
   */
  public synchronized boolean allowRequest() {
    switch (state) {
      case CLOSED:
        return true;
      case OPEN:
        if (nanoTime.getAsLong() - openedAtNanos >= probeIntervalNanos) {
          state = State.HALF_OPEN;
          return true;
        }
        return false;
      default:
        return false;
    }
  }

  /**
   * Any answer that is not an account failure: the account can call. Closes a half-open
   * breaker. Ignored while open, since it comes from a call made before the breaker opened.
   */
  public synchronized void onSuccess() {
    if (state == State.HALF_OPEN) {
      state = State.CLOSED;
      probeIntervalNanos = initialProbeIntervalNanos;
    }
  }

  /**
   * The probe was cancelled before it answered: the breaker is open again with its probe due at
   * once, so that another request can probe.
   */
  public synchronized void onProbeAbandoned() {
    if (state == State.HALF_OPEN) {
      state = State.OPEN;
      openedAtNanos = nanoTime.getAsLong() - probeIntervalNanos;
    }
  }

  /** Opens a closed breaker; re-opens a half-open one with a longer probe interval. */
  public synchronized void onAccountFailure() {
    if (state == State.OPEN) {
      return;
    }
    if (state == State.HALF_OPEN) {
      probeIntervalNanos = (long) Math.min(maxProbeIntervalNanos, probeIntervalNanos * probeIntervalGrowth);
    }
    state = State.OPEN;
    openedAtNanos = nanoTime.getAsLong();
  }

  public synchronized State state() {
    return state;
  }

  public synchronized Duration probeInterval() {
    return Duration.ofNanos(probeIntervalNanos);
  }
}
