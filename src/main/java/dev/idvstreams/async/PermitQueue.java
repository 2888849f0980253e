package dev.idvstreams.async;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The attempts of one API waiting for the limiter's token, served in the order they asked. Only
 * the one at the head asks the limiter; when it leaves (granted, failed or cancelled) the next is
 * woken. Without it every waiting attempt polled the limiter on its own timer, and whichever
 * timer fired first took the token: the order {@code TakeTurns} gives the tasks of a thread was
 * lost, and one partition's requests waited 7 s while another's were called every second (the
 * rolling benchmark, bench/). It also spares the event loops a timer per waiting attempt.
 *
 * <p>Thread-safe: attempts run on several event loops.
 */
final class PermitQueue {

  /** One waiting attempt. */
  interface Waiter {
    /** It is at the head now: it should ask the limiter (on its own event loop). */
    void atHead();
  }

  private final Deque<Waiter> waiting = new ArrayDeque<>();

  /** Joins at the back. */
  synchronized void join(Waiter waiter) {
    waiting.addLast(waiter);
  }

  synchronized boolean isHead(Waiter waiter) {
    return waiting.peekFirst() == waiter;
  }

  /** Leaves the queue, wherever it stands; the next head, if the head changed, is told. */
  void leave(Waiter waiter) {
    Waiter next;
    synchronized (this) {
      boolean wasHead = waiting.peekFirst() == waiter;
      if (!waiting.remove(waiter) || !wasHead) {
        return;
      }
      next = waiting.peekFirst();
    }
    if (next != null) {
      next.atHead();
    }
  }

  synchronized int size() {
    return waiting.size();
  }
}
