package dev.idvstreams.group;

import dev.idvstreams.api.Api;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * This instance's demand for each API's limit: the calls it could start within the next second.
 * That is its backlog (its requests waiting for a slot and its attempts waiting for a token) and
 * its calls of the last second: all of them while work is left (a backlog, or a request between
 * its slot and its permit: being signed, in backoff), since a part lowered below the calls still
 * in its window holds back the next call until enough have left it; once none is left, only as
 * many as requests arrived in that second (an instance whose arrivals keep its rate busy needs it
 * again, even when nothing waits between two arrivals). Requests in a call are not counted: their
 * answers need no more of the limit. An API held by its breaker has no demand: its part serves the
 * others until it recovers.
 *
 * <p>Why arrivals bound the recent calls of an instance with no work left: one that has drained a
 * backlog that no longer grows will start no more calls. Counted in full, its last second of
 * calls kept its part a second after its last request had gone while another instance still had
 * work: in the rolling benchmark each member that ran dry cost the group 4-5 calls of the last 30.
 * Counting only the backlog (no recent calls) lowered the part of the last member with work as
 * its backlog shrank, and each lowering held its next call until a call had left its window: its
 * last 5 calls took 2 s instead of 1 (docs/performance.md).
 *
 * <p>Sampled by one thread ({@link ShareLog}'s).
 */
public final class LaneDemand implements Supplier<Map<Api, Long>> {

  private static final Duration RECENT = Duration.ofSeconds(1);

  /**
   * What the demand reads of an API's lane, at one moment.
   *
   * @param held whether its breaker holds it
   * @param awaitingPermit its attempts waiting for a token
   * @param notSent its requests that will still take a permit: those waiting for one, and those
   *     being prepared, in backoff or held, which are in neither its backlog nor on the wire
   * @param permitsGranted the permits it has granted since the start
   */
  public record LaneCounts(boolean held, long awaitingPermit, long notSent, long permitsGranted) {}

  /** The lane's permits granted and the requests arrived, both counted since the start, at a moment. */
  private record Sample(long nanos, long granted, long arrived) {}

  private final Function<Api, LaneCounts> lanes;
  private final ToLongFunction<Api> waiting;
  private final ToLongFunction<Api> arrived;
  private final LongSupplier nanoTime;
  private final Map<Api, Deque<Sample>> samples = new EnumMap<>(Api.class);

  /**
   * @param waiting the requests of an API waiting for a slot, in every task of this instance
   * @param arrived the requests of an API that have come to wait for a slot since the start
   */
  public LaneDemand(Function<Api, LaneCounts> lanes, ToLongFunction<Api> waiting, ToLongFunction<Api> arrived,
      LongSupplier nanoTime) {
    this.lanes = lanes;
    this.waiting = waiting;
    this.arrived = arrived;
    this.nanoTime = nanoTime;
    for (Api api : Api.values()) {
      samples.put(api, new ArrayDeque<>());
    }
  }

  @Override
  public Map<Api, Long> get() {
    long now = nanoTime.getAsLong();
    Map<Api, Long> loads = new EnumMap<>(Api.class);
    for (Api api : Api.values()) {
      LaneCounts lane = lanes.apply(api);
      long backlog = waiting.applyAsLong(api) + lane.awaitingPermit();
      // a request between its slot and its permit (being signed, in backoff) still needs the part
      boolean workLeft = backlog > 0 || lane.notSent() > 0;
      long recent = recentCalls(api, lane.permitsGranted(), arrived.applyAsLong(api), now, workLeft);
      long demand = lane.held() ? 0 : backlog + recent;
      loads.put(api, demand);
    }
    return loads;
  }

  /**
   * Permits granted since the oldest sample that is not older than {@link #RECENT}; with no work
   * left, at most as many as the requests that arrived since then.
   */
  private long recentCalls(Api api, long granted, long arrivedNow, long now, boolean workLeft) {
    Deque<Sample> kept = samples.get(api);
    kept.addLast(new Sample(now, granted, arrivedNow));
    while (kept.size() > 1 && now - kept.peekFirst().nanos() > RECENT.toNanos()) {
      kept.removeFirst();
    }
    Sample oldest = kept.peekFirst();
    long calls = granted - oldest.granted();
    return workLeft ? calls : Math.min(calls, arrivedNow - oldest.arrived());
  }
}
