package dev.idvstreams.topology;

import dev.idvstreams.api.Api;
import dev.idvstreams.async.CompletionHandle;
import dev.idvstreams.async.InFlightQueue;
import dev.idvstreams.check.Settlement;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
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
  /** Waiting bizIds, in arrival order, with the bytes each adds to the {@link Backlog}. */
  private final Map<String, Long> waiting = new LinkedHashMap<>();
  private final Backlog backlog;
  private final Api api;

  ApiSlots(Api api, int bound, Backlog backlog) {
    this.api = api;
    this.calling = new InFlightQueue<>(bound);
    this.backlog = backlog;
  }

  /** Whether the request is calling or waiting. */
  boolean tracks(String bizId) {
    return calling.contains(bizId) || waiting.containsKey(bizId);
  }

  boolean isWaiting(String bizId) {
    return waiting.containsKey(bizId);
  }

  /**
   * Leaves the request waiting for a slot, behind those waiting already, unless it is already
   * calling or waiting.
   *
   * @param bytes what it adds to the backlog ({@link Backlog})
   */
  void await(String bizId, long bytes) {
    if (!calling.contains(bizId) && !waiting.containsKey(bizId)) {
      waiting.put(bizId, bytes);
      backlog.added(api, bytes);
    }
  }

  /**
   * Moves the request waiting longest to a free slot and starts its call. Requests no longer
   * IN_FLIGHT (answered or purged meanwhile) stop waiting on the way.
   *
   * @param requestOf the request of a waiting bizId if its entry is still IN_FLIGHT, else null
   * @param call starts the call of a request that got its slot
   * @return whether a call started: not when no request waits or every slot of this task is taken
   */
  <R> boolean startNext(Function<String, R> requestOf, BiConsumer<R, CompletionHandle<Settlement>> call) {
    Iterator<Map.Entry<String, Long>> next = waiting.entrySet().iterator();
    while (next.hasNext()) {
      Map.Entry<String, Long> waiter = next.next();
      String bizId = waiter.getKey();
      R request = requestOf.apply(bizId);
      if (request == null) {
        next.remove();
        backlog.removed(api, waiter.getValue());
        continue;
      }
      Optional<CompletionHandle<Settlement>> handle = calling.tryPut(bizId);
      if (handle.isEmpty()) {
        return false;
      }
      next.remove();
      backlog.removed(api, waiter.getValue());
      call.accept(request, handle.get());
      return true;
    }
    return false;
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

  int callingCount() {
    return calling.size();
  }

  int waitingCount() {
    return waiting.size();
  }

  /** Whether requests wait and none of this task's is calling. */
  boolean waitsWithNoneStarted() {
    return !waiting.isEmpty() && calling.size() == 0;
  }

  /** The task closes: its waiting requests leave this instance's backlog (they stay in the store for the next owner). */
  void release() {
    waiting.values().forEach(bytes -> backlog.removed(api, bytes));
    waiting.clear();
  }
}
