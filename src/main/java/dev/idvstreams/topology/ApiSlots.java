package dev.idvstreams.topology;

import dev.idvstreams.async.CompletionHandle;
import dev.idvstreams.async.InFlightQueue;
import dev.idvstreams.check.Settlement;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
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
  /** Waiting requests in arrival order, with the ticket {@link OldestFirst} gave each on arrival. */
  private final LinkedHashMap<String, Long> waiting = new LinkedHashMap<>();

  ApiSlots(int bound) {
    this.calling = new InFlightQueue<>(bound);
  }

  /** Whether the request is calling or waiting. */
  boolean tracks(String bizId) {
    return calling.contains(bizId) || waiting.containsKey(bizId);
  }

  boolean isWaiting(String bizId) {
    return waiting.containsKey(bizId);
  }

  /** Leaves the request waiting for a slot, behind every request with a smaller ticket, unless it is already calling or waiting. */
  void await(String bizId, long ticket) {
    if (!calling.contains(bizId)) {
      waiting.putIfAbsent(bizId, ticket);
    }
  }

  /** The ticket of the request waiting longest, or {@link Long#MAX_VALUE} when none waits. */
  long headTicket() {
    return waiting.isEmpty() ? Long.MAX_VALUE : waiting.values().iterator().next();
  }

  /**
   * Moves the request waiting longest to a free slot and starts its call; one that is no longer
   * IN_FLIGHT (answered or purged meanwhile) stops waiting instead.
   *
   * @param requestOf the request of a waiting bizId if its entry is still IN_FLIGHT, else null
   * @param call starts the call of a request that got its slot
   * @return false when nothing moved: no request waits, or every slot of this task is taken
   */
  <R> boolean startHead(Function<String, R> requestOf, BiConsumer<R, CompletionHandle<Settlement>> call) {
    Iterator<String> head = waiting.keySet().iterator();
    if (!head.hasNext()) {
      return false;
    }
    String bizId = head.next();
    R request = requestOf.apply(bizId);
    if (request == null) {
      head.remove();
      return true;
    }
    Optional<CompletionHandle<Settlement>> handle = calling.tryPut(bizId);
    if (handle.isEmpty()) {
      return false;
    }
    head.remove();
    call.accept(request, handle.get());
    return true;
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
