package dev.idvstreams.topology;

import dev.idvstreams.async.CompletionHandle;
import dev.idvstreams.async.InFlightQueue;
import dev.idvstreams.check.Settlement;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One API's IN_FLIGHT requests in one task. Each is either calling (it holds a slot of the bounded
 * {@link InFlightQueue} until its completion is drained) or waiting for a slot (in arrival order),
 * never both and never neither; this class is the only place that moves a request between the
 * two, so the rule holds by construction. Stream thread only, but for completions, which any
 * thread may report through the handles.
 */
final class ApiSlots {

  private final InFlightQueue<String, Settlement> calling;
  private final Set<String> waiting = new LinkedHashSet<>();

  ApiSlots(int bound) {
    this.calling = new InFlightQueue<>(bound);
  }

  /** Whether the request is calling or waiting. */
  boolean tracks(String bizId) {
    return calling.contains(bizId) || waiting.contains(bizId);
  }

  /**
   * A slot for a request not yet tracked, if one is free now.
   *
   * @throws IllegalStateException if the request is already calling or waiting
   */
  Optional<CompletionHandle<Settlement>> trySlot(String bizId) {
    if (waiting.contains(bizId)) {
      throw new IllegalStateException("already waiting: " + bizId);
    }
    return calling.tryPut(bizId);
  }

  /** Leaves the request waiting for a slot, unless it is already calling or waiting. */
  void await(String bizId) {
    if (!calling.contains(bizId)) {
      waiting.add(bizId);
    }
  }

  /**
   * Moves waiting requests to free slots, oldest first.
   *
   * @param requestOf the request of a waiting bizId if its entry is still IN_FLIGHT, else null (it
   *     was answered or purged meanwhile: it stops waiting)
   * @param capacity whether the instance may start another call of this API now
   * @param call starts the call of a request that got its slot
   */
  <R> void startWaiting(Function<String, R> requestOf, BooleanSupplier capacity,
      BiConsumer<R, CompletionHandle<Settlement>> call) {
    Iterator<String> next = waiting.iterator();
    while (next.hasNext() && capacity.getAsBoolean()) {
      String bizId = next.next();
      R request = requestOf.apply(bizId);
      if (request == null) {
        next.remove();
        continue;
      }
      Optional<CompletionHandle<Settlement>> handle = calling.tryPut(bizId);
      if (handle.isEmpty()) {
        return; // at the bound: the next punctuation or record goes on
      }
      next.remove();
      call.accept(request, handle.get());
    }
  }

  /** Hands every completed call to the sink, freeing its slot first. */
  void drainCompleted(Consumer<InFlightQueue.Completion<String, Settlement>> sink) {
    calling.drainCompleted(sink);
  }

  /**
   * Blocks until a call of this task completes or the timeout passes. When this task has no call
   * in flight (the instance's bound is taken by other tasks' calls), it waits the timeout.
   */
  void awaitCompletion(Duration timeout) throws InterruptedException {
    if (calling.size() == 0) {
      Thread.sleep(timeout.toMillis());
      return;
    }
    calling.awaitCompletion(timeout);
  }

  void setBound(int bound) {
    calling.setBound(bound);
  }

  int waitingCount() {
    return waiting.size();
  }
}
