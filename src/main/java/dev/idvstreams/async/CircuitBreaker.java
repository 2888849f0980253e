package dev.idvstreams.async;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Stops calls to one API while its account cannot call at all (access denied, in debt, not
 * subscribed, bad credentials). Such errors are not the requests' fault, so requests are held
 * rather than failed while the breaker is open; after a probe interval exactly one probe goes
 * through, and its answer closes the breaker or re-opens it with a longer interval.
 * <pre>
 * state     | event                                          | next state
 * ----------+------------------------------------------------+------------------------------------------
 * CLOSED    | an account failure                             | OPEN
 * CLOSED    | any other answer, or none                      | CLOSED
 * OPEN      | the probe interval passed, a request asks      | HALF_OPEN: that request is the probe
 * OPEN      | an answer to a call made before it opened      | OPEN
 * HALF_OPEN | the probe: any answer but an account failure   | CLOSED, the interval back to its first value
 * HALF_OPEN | the probe: an account failure                  | OPEN, the interval times the growth
 * HALF_OPEN | the probe: no answer (network error, timeout)  | OPEN, the same interval
 * HALF_OPEN | the probe cancelled (its task closed)          | OPEN, the probe due at once
 * </pre>
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
   *     {@link #onAccountFailure()}, or its lack of one with {@link #onProbeUnanswered()}
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

  /**
   * The probe got no answer (a network error, a timeout): that says nothing of the account, so
   * the breaker is open again and probes after the same interval, neither closed nor backed off.
   */
  public synchronized void onProbeUnanswered() {
    if (state == State.HALF_OPEN) {
      state = State.OPEN;
      openedAtNanos = nanoTime.getAsLong();
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
