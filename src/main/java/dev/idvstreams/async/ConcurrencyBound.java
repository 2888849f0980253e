package dev.idvstreams.async;

import java.time.Duration;

/**
 * The in-flight bound for one API by Little's law: requests in flight = rate × the time each one
 * needs its slot. With headroom on top, so a few requests are always ready for the next token;
 * under a configured ceiling, so a very slow API cannot pin an unbounded number of requests.
 *
 * <p>The time is a request's service time (its calls and its retry backoffs, see
 * {@link CallResult#serviceTime()}), as an exponentially weighted moving average starting from a
 * configured estimate. Waits for a token are left out on purpose: they grow with the bound, and
 * counting them would push the bound up without end.
 */
public final class ConcurrencyBound {

  private final double headroom;
  private final int ceiling;
  private final double smoothing;
  private double averageServiceNanos;

  /**
   * @param headroom multiplier over the Little's-law figure, at least 1
   * @param ceiling the largest bound ever returned, at least 1
   * @param smoothing weight of each new sample, in (0, 1]
   * @param initialServiceTime the service time assumed until requests complete; zero means
   *     unknown: the bound is 1 until the first request completes, whose time is then taken as
   *     it is (a slow start, so that a cold client cannot send a burst of slow first calls that
   *     then reach the API together)
   */
  public ConcurrencyBound(double headroom, int ceiling, double smoothing, Duration initialServiceTime) {
    if (headroom < 1) {
      throw new IllegalArgumentException("headroom must be at least 1, was " + headroom);
    }
    if (ceiling < 1) {
      throw new IllegalArgumentException("ceiling must be at least 1, was " + ceiling);
    }
    if (!(smoothing > 0 && smoothing <= 1)) {
      throw new IllegalArgumentException("smoothing must be in (0, 1], was " + smoothing);
    }
    this.headroom = headroom;
    this.ceiling = ceiling;
    this.smoothing = smoothing;
    this.averageServiceNanos = initialServiceTime.toNanos();
  }

  public synchronized void recordServiceTime(Duration serviceTime) {
    if (averageServiceNanos == 0) {
      averageServiceNanos = serviceTime.toNanos();
    } else {
      averageServiceNanos += smoothing * (serviceTime.toNanos() - averageServiceNanos);
    }
  }

  public synchronized Duration averageServiceTime() {
    return Duration.ofNanos(Math.round(averageServiceNanos));
  }

  /** The bound for calls made at {@code ratePerSecond}, in [1, ceiling]. */
  public synchronized int boundFor(double ratePerSecond) {
    double littlesLaw = ratePerSecond * averageServiceNanos / 1e9 * headroom;
    return (int) Math.max(1, Math.min(ceiling, Math.ceil(littlesLaw)));
  }
}
