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

  boolean isWaiting(String bizId) {
    return waiting.contains(bizId);
  }

  /** Leaves the request waiting for a slot, behind those waiting already, unless it is already calling or waiting. */
  void await(String bizId) {
    if (!calling.contains(bizId)) {
      waiting.add(bizId);
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
    Iterator<String> next = waiting.iterator();
    while (next.hasNext()) {
      String bizId = next.next();
      R request = requestOf.apply(bizId);
      if (request == null) {
        next.remove();
        continue;
      }
      Optional<CompletionHandle<Settlement>> handle = calling.tryPut(bizId);
      if (handle.isEmpty()) {
        return false;
      }
      next.remove();
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

  int waitingCount() {
    return waiting.size();
  }
}
