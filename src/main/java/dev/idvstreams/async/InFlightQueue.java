package dev.idvstreams.async;

import java.time.Duration;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The bounded set of in-flight calls for one API, keyed by request.
 *
 * <p>Two sides: the owner thread (the Kafka Streams stream thread) puts keys and drains
 * completions, so results are only ever forwarded on that thread; any thread (Vert.x callbacks)
 * completes a {@link CompletionHandle}. An entry counts against the bound until it is drained,
 * not merely completed, so a slow owner cannot let the number of undelivered results grow past
 * the bound.
 *
 * <p>At the bound the owner calls {@link #awaitCompletion(Duration)} and then
 * {@link #drainCompleted(Consumer)}: blocking the stream thread there is what backpressures Kafka.
 */
public final class InFlightQueue<K, T> {

  /** A completed call, as handed to the owner thread. */
  public record Completion<K, T>(K key, T value) {
  }

  private final Set<K> inFlight = ConcurrentHashMap.newKeySet();
  private final Queue<Completion<K, T>> completed = new ConcurrentLinkedQueue<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition completionAvailable = lock.newCondition();
  private volatile int bound;

  public InFlightQueue(int bound) {
    setBound(bound);
  }

  /**
   * Owner thread only. Admits the key unless the queue is at its bound.
   *
   * @return the handle to complete the call with, or empty when at the bound
   * @throws IllegalStateException if the key is already in flight: deduplication upstream
   *     must make that impossible, and two calls for one request must never run at once
   */
  public Optional<CompletionHandle<T>> tryPut(K key) {
    if (inFlight.size() >= bound) {
      return Optional.empty();
    }
    if (!inFlight.add(key)) {
      throw new IllegalStateException("already in flight: " + key);
    }
    return Optional.of(new CompletionHandle<>(value -> offerCompleted(new Completion<>(key, value))));
  }

  private void offerCompleted(Completion<K, T> completion) {
    completed.add(completion);
    // Signalled under the lock so a waiter that has just seen an empty queue cannot miss it.
    lock.lock();
    try {
      completionAvailable.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Owner thread only. Hands every completion available now to the sink, removing its key
   * first, so the sink may put the same key again.
   *
   * @return how many completions were drained
   */
  public int drainCompleted(Consumer<Completion<K, T>> sink) {
    int drained = 0;
    Completion<K, T> completion;
    while ((completion = completed.poll()) != null) {
      inFlight.remove(completion.key());
      sink.accept(completion);
      drained++;
    }
    return drained;
  }

  /**
   * Owner thread only. Blocks until at least one completion is ready to drain, or the timeout
   * passes. Returns at once when nothing is in flight, since nothing could arrive.
   *
   * @return true if a completion is ready to drain
   */
  public boolean awaitCompletion(Duration timeout) throws InterruptedException {
    long remaining = timeout.toNanos();
    lock.lock();
    try {
      while (completed.isEmpty() && !inFlight.isEmpty() && remaining > 0) {
        remaining = completionAvailable.awaitNanos(remaining);
      }
      return !completed.isEmpty();
    } finally {
      lock.unlock();
    }
  }

  /** Entries put and not yet drained, completed or not. Safe to read from any thread. */
  public int size() {
    return inFlight.size();
  }

  public int bound() {
    return bound;
  }

  /** Lowering the bound below {@link #size()} evicts nothing; it only refuses new entries. */
  public void setBound(int bound) {
    if (bound < 1) {
      throw new IllegalArgumentException("bound must be at least 1, was " + bound);
    }
    this.bound = bound;
  }

  /** Whether the key was put and not yet drained, completed or not. */
  public boolean contains(K key) {
    return inFlight.contains(key);
  }
}
