package dev.idvstreams.simulator;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A strict QPS limit: a call is accepted only if fewer than {@code limit} calls were accepted in the
 * second before it, so no 1-second window, wherever it starts, ever holds more than {@code limit}
 * accepted calls. Also records the most accepted calls seen in any 1-second window: that maximum is
 * reached in a window ending at an accepted call, which is exactly when it is measured.
 */
final class SlidingWindowLimiter {

  private static final long WINDOW_NANOS = 1_000_000_000L;

  private final int limit;
  private final Deque<Long> accepted = new ArrayDeque<>();
  private int maxInAnyWindow;

  SlidingWindowLimiter(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("a QPS limit must be at least 1, was " + limit);
    }
    this.limit = limit;
  }

  /**
   * Counts a call that arrived at {@code arrivedNanos}. Calls reach this in arrival order only
   * nearly (each is stamped when it arrives, then its body is read), so a stamp earlier than the
   * latest accepted one counts as arriving with it: later, never earlier, so the limit stays strict.
   */
  synchronized boolean tryAcquire(long arrivedNanos) {
    long nowNanos = accepted.isEmpty() ? arrivedNanos : Math.max(arrivedNanos, accepted.peekLast());
    while (!accepted.isEmpty() && nowNanos - accepted.peekFirst() >= WINDOW_NANOS) {
      accepted.pollFirst();
    }
    if (accepted.size() >= limit) {
      return false;
    }
    accepted.addLast(nowNanos);
    maxInAnyWindow = Math.max(maxInAnyWindow, accepted.size());
    return true;
  }

  synchronized int maxInAnyWindow() {
    return maxInAnyWindow;
  }

  int limit() {
    return limit;
  }
}
