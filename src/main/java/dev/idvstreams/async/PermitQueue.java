package dev.idvstreams.async;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The attempts of one API waiting for the limiter's token, taking turns by group (a task's
 * requests share a group, their {@link CancelScope}): the next token goes to the oldest waiter of
 * the group whose turn it is, then that group goes to the back. Only the head asks the limiter;
 * when it leaves (granted, failed or cancelled) the next head is woken.
 *
 * <p>Why: every waiting attempt used to poll the limiter on its own timer, and whichever fired
 * first took the token. At a start, with room for 5 s of calls in flight before the first answer,
 * the first task to process its records started six requests of an API before another task had
 * one (the rolling benchmark at TRACE, bench/), and their tokens went first: {@code TakeTurns}'
 * order between the tasks was lost. Turns per token keep every partition of an instance moving,
 * whatever the number of requests waiting, and only the head keeps a timer.
 *
 * <p>Thread-safe: attempts run on several event loops.
 */
final class PermitQueue {

  /** One waiting attempt. */
  interface Waiter {
    /** It is at the head now: it should ask the limiter (on its own event loop). */
    void atHead();
  }

  /** The groups with waiters, the one whose turn it is first; each group's waiters oldest first. */
  private final Map<Object, Deque<Waiter>> groups = new LinkedHashMap<>();
  private final Map<Waiter, Object> groupOf = new HashMap<>();

  /** Joins at the back of its group. */
  synchronized void join(Waiter waiter, Object group) {
    if (groupOf.putIfAbsent(waiter, group) == null) {
      groups.computeIfAbsent(group, g -> new ArrayDeque<>()).addLast(waiter);
    }
  }

  synchronized boolean isHead(Waiter waiter) {
    return !groups.isEmpty() && groups.values().iterator().next().peekFirst() == waiter;
  }

  /**
   * Leaves, wherever it stands. If it was the head, its group's turn ends (the group goes to the
   * back) and the new head is told.
   */
  void leave(Waiter waiter) {
    Waiter next;
    synchronized (this) {
      boolean wasHead = isHead(waiter);
      Object group = groupOf.remove(waiter);
      if (group == null) {
        return;
      }
      Deque<Waiter> line = wasHead ? groups.remove(group) : groups.get(group);
      line.remove(waiter);
      if (line.isEmpty()) {
        groups.remove(group);
      } else if (wasHead) {
        groups.put(group, line); // its turn is over: to the back
      }
      if (!wasHead) {
        return;
      }
      next = groups.isEmpty() ? null : groups.values().iterator().next().peekFirst();
    }
    if (next != null) {
      next.atHead();
    }
  }

  synchronized int size() {
    return groupOf.size();
  }
}
