package dev.idvstreams.group;

import dev.idvstreams.api.Api;
import dev.idvstreams.async.CallLane;
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
 * That is its requests waiting for a slot, the attempts waiting for a token, and the calls it made
 * in the last second (an instance that keeps its rate busy needs it again, even when nothing waits
 * between two arrivals). Requests in a call are not counted: their answers need no more of the
 * limit. An API held by its breaker has no demand: its part serves the others until it recovers.
 *
 * <p>Sampled by one thread ({@link ShareLog}'s).
 */
public final class LaneDemand implements Supplier<Map<Api, Long>> {

  private static final Duration RECENT = Duration.ofSeconds(1);

  private record Sample(long nanos, long granted) {}

  private final Function<Api, CallLane<?>> lanes;
  private final ToLongFunction<Api> waiting;
  private final LongSupplier nanoTime;
  private final Map<Api, Deque<Sample>> samples = new EnumMap<>(Api.class);

  /** @param waiting the requests of an API waiting for a slot, in every task of this instance */
  public LaneDemand(Function<Api, CallLane<?>> lanes, ToLongFunction<Api> waiting, LongSupplier nanoTime) {
    this.lanes = lanes;
    this.waiting = waiting;
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
      CallLane<?> lane = lanes.apply(api);
      long recent = recentCalls(api, lane.permitsGranted(), now);
      long demand = lane.isHeld() ? 0 : waiting.applyAsLong(api) + lane.awaitingPermit() + recent;
      loads.put(api, demand);
    }
    return loads;
  }

  /** Tokens granted since the oldest sample that is not older than {@link #RECENT}. */
  private long recentCalls(Api api, long granted, long now) {
    Deque<Sample> kept = samples.get(api);
    kept.addLast(new Sample(now, granted));
    while (kept.size() > 1 && now - kept.peekFirst().nanos() > RECENT.toNanos()) {
      kept.removeFirst();
    }
    return granted - kept.peekFirst().granted();
  }
}
