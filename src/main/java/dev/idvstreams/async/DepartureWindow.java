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
  /** A widened guard at most 250 ms: 0.8 of the limit still, whatever the network does. */
  static final long MAX_GUARD_NANOS = 250_000_000L;
  /** A guard of 0 doubles to this. */
  private static final long MIN_WIDENED_GUARD_NANOS = 10_000_000L;
  /** A slot no call has used yet: it never holds a call back. */
  private static final long FREE = Long.MIN_VALUE / 2;

  private final long baseGuardNanos;
  private long guardNanos;
  private long[] departures = new long[0];

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
    return Math.max(0, departures[earliest()] + SECOND_NANOS + guardNanos - now);
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
