package dev.idvstreams.async;

import java.util.Arrays;

/**
 * At most {@code n} calls in any window of one second plus a guard, counted on when the calls
 * really left: the rule the provider applies to arrivals, with room for the difference in network
 * delay between two calls.
 *
 * <p>A call may leave when fewer than {@code n} calls left within the last span; spacing calls
 * alone cannot promise that, because a call that leaves late lets the calls after it crowd its
 * window. Every departure of the last {@link #RETAIN_NANOS} is kept, whatever {@code n} is: a lower
 * {@code n} holds back until enough of them have left the span, and a higher one counts them
 * too, so that a part lowered and raised again applies at once, exactly, and the instance can say
 * when its calls beyond a part left ({@link #nanosSinceDepartureBeyond}). A granted call counts
 * from its grant until {@link #departed} moves it to when it really left.
 *
 * <p>Not thread-safe: {@link AdaptiveRateLimiter} guards it.
 */
final class DepartureWindow {

  private static final long SECOND_NANOS = 1_000_000_000L;
  /** A widened guard at most 250 ms: 0.8 of the limit still, whatever the network does. */
  static final long MAX_GUARD_NANOS = 250_000_000L;
  /** How long departures are kept: longer than any span, and than the group's wait for a part given up. */
  static final long RETAIN_NANOS = 2 * SECOND_NANOS;
  /** A guard of 0 doubles to this. */
  private static final long MIN_WIDENED_GUARD_NANOS = 10_000_000L;

  private final long baseGuardNanos;
  private long guardNanos;
  private int n;
  /**
   * Departures (or grants not yet departed) of the last {@link #RETAIN_NANOS}, oldest first:
   * {@code times[head]} to {@code times[head + size - 1]}.
   */
  private long[] times = new long[16];
  private int head;
  private int size;

  /** @param guardNanos the span beyond one second, so that calls a span apart arrive at least a second apart; the floor of the guard as it adapts */
  DepartureWindow(long guardNanos) {
    if (guardNanos < 0) {
      throw new IllegalArgumentException("the guard must not be negative, was " + guardNanos);
    }
    this.baseGuardNanos = guardNanos;
    this.guardNanos = guardNanos;
  }

  /**
   * The provider throttled a call: two arrivals were closer than the guard allowed for, so the
   * guard doubles (at most {@link #MAX_GUARD_NANOS}). The network, not the limit, decides how much
   * room arrivals need, and only a throttled answer shows it.
   */
  void widenGuard() {
    guardNanos = Math.min(MAX_GUARD_NANOS, Math.max(2 * guardNanos, MIN_WIDENED_GUARD_NANOS));
  }

  /** A quiet while since the last throttled answer: half of the widening is given back, never below the configured guard. */
  void narrowGuard() {
    long excess = guardNanos - baseGuardNanos;
    guardNanos = excess < 1_000_000 ? baseGuardNanos : baseGuardNanos + excess / 2;
  }

  /** Widens the guard to at least {@code nanos} (at most {@link #MAX_GUARD_NANOS}), never narrows it. */
  void widenTo(long nanos) {
    guardNanos = Math.max(guardNanos, Math.min(MAX_GUARD_NANOS, nanos));
  }

  boolean atBaseGuard() {
    return guardNanos == baseGuardNanos;
  }

  long guardNanos() {
    return guardNanos;
  }

  /** Allows {@code n} calls per span from now on, counting the calls that already left within it. */
  void resize(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("n must not be negative, was " + n);
    }
    this.n = n;
  }

  /** @return 0 if a call may leave at {@code now}, else the nanoseconds until one may; never 0 with {@code n} = 0 */
  long delayNanos(long now) {
    if (n == 0) {
      return SECOND_NANOS;
    }
    prune(now);
    long span = SECOND_NANOS + guardNanos;
    if (size < n) {
      return 0;
    }
    // the n-th newest holds the next call back until it has left the span
    return Math.max(0, times[head + size - n] + span - now);
  }

  /** A call was granted at {@code now}. */
  void granted(long now) {
    prune(now);
    if (head + size == times.length) {
      if (size * 2 > times.length) {
        times = Arrays.copyOfRange(times, head, head + 2 * times.length);
      } else {
        System.arraycopy(times, head, times, 0, size);
      }
      head = 0;
    }
    times[head + size++] = now;
    // grants come in time order, but a departure moved later may have passed this one
    for (int i = head + size - 1; i > head && times[i - 1] > times[i]; i--) {
      long swap = times[i - 1];
      times[i - 1] = times[i];
      times[i] = swap;
    }
  }

  /** The call granted at {@code grantedAt} left at {@code departedAt}: its window starts then. */
  void departed(long grantedAt, long departedAt) {
    for (int i = head + size - 1; i >= head; i--) {
      if (times[i] == grantedAt) {
        times[i] = Math.max(grantedAt, departedAt);
        // moved later: keep the order
        for (int j = i; j + 1 < head + size && times[j] > times[j + 1]; j++) {
          long swap = times[j + 1];
          times[j + 1] = times[j];
          times[j] = swap;
        }
        return;
      }
    }
    // not found: older than what is kept, so it no longer counts
  }

  /**
   * How long ago the newest call left that is not among the {@code calls} newest: once that call
   * has left every window, this instance makes at most {@code calls} calls in any window under a
   * part of {@code calls}. -1 if there is none in the last {@link #RETAIN_NANOS}.
   */
  long nanosSinceDepartureBeyond(int calls, long now) {
    prune(now);
    return calls < size ? now - times[head + size - 1 - calls] : -1;
  }

  /** How many calls left within the span (one second and the guard) up to {@code now}: at most {@code n} unless n was lowered. */
  int departuresInWindow(long now) {
    prune(now);
    long span = SECOND_NANOS + guardNanos;
    int within = 0;
    for (int i = head + size - 1; i >= head && now - times[i] < span; i--) {
      within++;
    }
    return within;
  }

  private void prune(long now) {
    while (size > 0 && now - times[head] >= RETAIN_NANOS) {
      head++;
      size--;
    }
  }
}
