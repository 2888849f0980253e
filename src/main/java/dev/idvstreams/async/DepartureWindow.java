package dev.idvstreams.async;

import java.util.Arrays;

/**
 * At most {@code n} calls in any window of one second plus a guard, counted on when the calls
 * really left: the rule the provider applies to arrivals, with room for the difference in network
 * delay between two calls.
 *
 * <p>A call may leave when, of the last {@code n} calls, the earliest left at least one span ago;
 * spacing calls alone cannot promise that, because a call that leaves late lets the calls after it
 * crowd its window. Only the last {@code n} departures are kept: a call that left earlier than
 * all of them left more than a span ago. A granted call counts from its grant until
 * {@link #departed} moves it to when it really left.
 *
 * <p>Not thread-safe: {@link AdaptiveRateLimiter} guards it.
 */
final class DepartureWindow {

  private static final long SECOND_NANOS = 1_000_000_000L;
  /** A slot no call has used yet: it never holds a call back. */
  private static final long FREE = Long.MIN_VALUE / 2;

  private final long spanNanos;
  private long[] departures = new long[0];

  /** @param guardNanos the span beyond one second, so that calls a span apart arrive at least a second apart */
  DepartureWindow(long guardNanos) {
    if (guardNanos < 0) {
      throw new IllegalArgumentException("the guard must not be negative, was " + guardNanos);
    }
    this.spanNanos = SECOND_NANOS + guardNanos;
  }

  /**
   * Allows {@code n} calls per span from now on. The latest departures stay: fewer calls per span
   * hold back at once, since they are counted against the new {@code n}.
   */
  void resize(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("n must not be negative, was " + n);
    }
    long[] sorted = departures.clone();
    Arrays.sort(sorted);
    long[] resized = new long[n];
    Arrays.fill(resized, FREE);
    int kept = Math.min(n, sorted.length);
    System.arraycopy(sorted, sorted.length - kept, resized, 0, kept);
    departures = resized;
  }

  /** @return 0 if a call may leave at {@code now}, else the nanoseconds until one may; never 0 with {@code n} = 0 */
  long delayNanos(long now) {
    if (departures.length == 0) {
      return SECOND_NANOS;
    }
    return Math.max(0, departures[earliest()] + spanNanos - now);
  }

  /** A call was granted at {@code now}: it takes the slot of the earliest departure. */
  void granted(long now) {
    departures[earliest()] = now;
  }

  /** The call granted at {@code grantedAt} left at {@code departedAt}: its window starts then. */
  void departed(long grantedAt, long departedAt) {
    for (int i = 0; i < departures.length; i++) {
      if (departures[i] == grantedAt) {
        departures[i] = Math.max(grantedAt, departedAt);
        return;
      }
    }
    // not found: a resize dropped it, so it no longer counts
  }

  private int earliest() {
    int earliest = 0;
    for (int i = 1; i < departures.length; i++) {
      if (departures[i] < departures[earliest]) {
        earliest = i;
      }
    }
    return earliest;
  }
}
