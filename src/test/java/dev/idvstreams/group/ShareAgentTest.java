package dev.idvstreams.group;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idvstreams.api.Api;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The share protocol over a simulated log: one clock (the broker's and the instances' agree), each
 * instance's messages reach the log after their own delay and in their order, each instance reads
 * the log at its own pace, and instances join, leave, crash and lose the broker.
 */
class ShareAgentTest {

  private static final Map<Api, Integer> LIMITS = Map.of(Api.CREDENTIAL_VERIFY_INTL, 20, Api.VERIFY_MATERIAL, 3,
      Api.FACE_VERIFY, 1);

  /** One record of the simulated log. */
  private record Entry(String key, ShareMessage message, long logMillis) {}

  /** One instance: its agent, its read position, its messages on their way to the log, its lanes' parts. */
  private static final class Instance {
    final String id;
    final Harness harness;
    final ShareAgent agent;
    final Deque<long[]> sendTimes = new ArrayDeque<>();
    final Deque<ShareMessage> outbox = new ArrayDeque<>();
    final Map<Api, Lane> lanes = new EnumMap<>(Api.class);
    final Map<Api, Long> demands = new EnumMap<>(Api.class);
    int read;
    /** Cut off from the broker: nothing it writes arrives, it reads nothing, but it runs on. */
    boolean cutOff;

    Instance(String id, Harness harness) {
      this.id = id;
      this.harness = harness;
      for (Api api : Api.values()) {
        lanes.put(api, new Lane());
        demands.put(api, 0L);
      }
      this.agent = new ShareAgent(id, LIMITS, ShareAgent.Timing.defaults(), new ShareAgent.Outputs() {
        @Override
        public void publish(ShareMessage message, long sentNanos) {
          outbox.addLast(message);
          sendTimes.addLast(new long[] {sentNanos});
        }

        @Override
        public void setQuota(Api api, int callsPerSecond, Duration increaseDelay) {
          lanes.get(api).set(callsPerSecond, increaseDelay, harness.millis());
        }
      }, () -> harness.nanos);
    }

    void tick() {
      Map<Api, ApiLoad> loads = new EnumMap<>(Api.class);
      for (Api api : Api.values()) {
        loads.put(api, new ApiLoad(demands.get(api), lanes.get(api).idleMillis(harness.millis())));
      }
      agent.tick(loads);
    }
  }

  /**
   * One lane's part as the limiter applies it: lower at once, higher after the delay (a lower part
   * cancels a higher one still waiting). An instance is taken to call at its whole part whenever
   * it has one: the worst case for the provider's window.
   */
  private static final class Lane {
    /** Each change of the part in force: {time ms, part}. */
    final List<long[]> history = new ArrayList<>(List.of(new long[] {Long.MIN_VALUE / 2, 0}));
    int part;
    Integer pending;
    long pendingAt;

    void set(int calls, Duration delay, long now) {
      apply(now);
      if (calls > part) {
        long at = Math.max(now + delay.toMillis(), pending == null ? now : pendingAt);
        if (at <= now) {
          pending = null;
          change(calls, now);
        } else {
          pending = calls;
          pendingAt = at;
        }
      } else if (calls != part || pending != null) {
        pending = null;
        change(calls, now);
      }
    }

    void apply(long now) {
      if (pending != null && now >= pendingAt) {
        change(pending, pendingAt);
        pending = null;
      }
    }

    void change(int calls, long at) {
      part = calls;
      history.add(new long[] {at, calls});
    }

    /** The largest part in force at any moment of [from, to]: what the lane may have called in that window. */
    int largestWithin(long from, long to) {
      int largest = 0;
      for (int i = 0; i < history.size(); i++) {
        long start = history.get(i)[0];
        long end = i + 1 < history.size() ? history.get(i + 1)[0] : Long.MAX_VALUE;
        if (start <= to && end > from) {
          largest = Math.max(largest, (int) history.get(i)[1]);
        }
      }
      return largest;
    }

    long idleMillis(long now) {
      apply(now);
      if (part > 0) {
        return 0;
      }
      long lastBusy = Long.MIN_VALUE;
      for (int i = 1; i < history.size(); i++) {
        if (history.get(i - 1)[1] > 0) {
          lastBusy = history.get(i)[0];
        }
      }
      return lastBusy == Long.MIN_VALUE ? ApiLoad.NEVER : now - lastBusy;
    }
  }

  private static final class Harness {
    long nanos = 1_000_000_000L;
    final List<Entry> log = new ArrayList<>();
    final Map<String, Instance> instances = new LinkedHashMap<>();
    /** Crashed and left instances: they call no more, but their last calls still count in the window. */
    final List<Instance> gone = new ArrayList<>();
    static final Duration TICK = Duration.ofMillis(100);
    int next;

    long millis() {
      return nanos / 1_000_000;
    }

    Instance join() {
      Instance instance = new Instance("i" + next++, this);
      instances.put(instance.id, instance);
      return instance;
    }

    /**
     * Time passes; every instance's thread ticks at least every {@link #TICK} meanwhile, as the
     * share log's poll makes it (a crashed one does not).
     */
    void advance(Duration duration) {
      long left = duration.toNanos();
      while (left > 0) {
        long step = Math.min(left, TICK.toNanos());
        nanos += step;
        left -= step;
        if (left > 0) {
          instances.values().forEach(Instance::tick);
        }
      }
    }

    /** The instance's oldest message on its way reaches the log now. */
    void deliver(Instance instance) {
      if (instance.outbox.isEmpty()) {
        return;
      }
      ShareMessage message = instance.outbox.removeFirst();
      long sent = instance.sendTimes.removeFirst()[0];
      if (instance.cutOff) {
        return;
      }
      log.add(new Entry(instance.id, message, nanos / 1_000_000));
      instance.agent.acked(sent);
    }

    void read(Instance instance, int records) {
      if (instance.cutOff) {
        return;
      }
      for (int i = 0; i < records && instance.read < log.size(); i++) {
        Entry entry = log.get(instance.read++);
        instance.agent.onRecord(entry.key(), entry.message(), entry.logMillis());
      }
    }

    /** Everything on its way arrives, everyone reads everything and ticks: a quiet moment. */
    void settle(int rounds) {
      for (int round = 0; round < rounds; round++) {
        for (Instance instance : instances.values()) {
          while (!instance.outbox.isEmpty()) {
            deliver(instance);
          }
        }
        for (Instance instance : instances.values()) {
          read(instance, Integer.MAX_VALUE);
          instance.tick();
        }
        advance(Duration.ofMillis(50));
      }
    }

    void leave(Instance instance) {
      instance.agent.leave();
      instance.outbox.clear();
      instances.remove(instance.id);
      gone.add(instance);
      log.add(new Entry(instance.id, null, nanos / 1_000_000));
    }

    void crash(Instance instance) {
      instances.remove(instance.id);
      gone.add(instance);
      for (Lane lane : instance.lanes.values()) {
        lane.set(0, Duration.ZERO, millis());
      }
    }

    /**
     * The parts in force add up to at most the limit, and so do the largest parts each lane had in
     * the last second (the provider's window): the calls made under a part given up have left the
     * window before another instance uses it.
     */
    void assertWithinLimits(String when) {
      long now = millis();
      for (Api api : Api.values()) {
        int inForce = instances.values().stream().mapToInt(i -> i.agent.inForce().get(api)).sum();
        assertThat(inForce).as("%s: parts in force of %s", when, api).isLessThanOrEqualTo(LIMITS.get(api));
        List<Instance> everyone = new ArrayList<>(instances.values());
        everyone.addAll(gone);
        int windowed = 0;
        for (Instance instance : everyone) {
          Lane lane = instance.lanes.get(api);
          lane.apply(now);
          windowed += lane.largestWithin(now - 1_000, now);
        }
        assertThat(windowed).as("%s: the lanes' largest parts of %s within the last second", when, api)
            .isLessThanOrEqualTo(LIMITS.get(api));
      }
    }
  }

  @Test
  void shouldNeverLetThePartsInForceExceedTheLimitWhateverJoinsLeavesDemandsAndDelays() {
    for (long seed = 0; seed < 200; seed++) {
      SplittableRandom random = new SplittableRandom(seed);
      Harness group = new Harness();
      for (int i = 0; i < 1 + random.nextInt(3); i++) {
        group.join();
      }
      for (int step = 0; step < 1_500; step++) {
        List<Instance> members = new ArrayList<>(group.instances.values());
        int action = random.nextInt(100);
        if (members.isEmpty() || action < 2) {
          group.join();
        } else {
          Instance someone = members.get(random.nextInt(members.size()));
          if (action < 4) {
            group.leave(someone);
          } else if (action < 5) {
            group.crash(someone); // makes no call from now on, says nothing
          } else if (action < 6) {
            someone.cutOff = !someone.cutOff; // loses the broker, or finds it again, and runs on
          } else if (action < 30) {
            group.deliver(someone);
          } else if (action < 55) {
            group.read(someone, 1 + random.nextInt(4));
          } else if (action < 85) {
            someone.tick();
          } else if (action < 95) {
            Api api = Api.values()[random.nextInt(Api.values().length)];
            someone.demands.put(api, random.nextInt(4) == 0 ? 0L : (long) random.nextInt(50));
          } else {
            group.advance(Duration.ofMillis(random.nextInt(1_500)));
          }
        }
        group.advance(Duration.ofMillis(random.nextInt(30)));
        group.assertWithinLimits("seed " + seed + ", step " + step);
      }
    }
  }

  @Test
  void shouldGiveTheWholeLimitToTheOnlyInstanceWithWorkAndTakeItBackWhenWorkArrives() {
    Harness group = new Harness();
    Instance busy = group.join();
    Instance idle = group.join();
    group.settle(5);
    // nobody has work: the limit is spread evenly
    assertThat(busy.agent.inForce().get(Api.CREDENTIAL_VERIFY_INTL)).isEqualTo(10);
    assertThat(idle.agent.inForce().get(Api.CREDENTIAL_VERIFY_INTL)).isEqualTo(10);

    busy.demands.put(Api.CREDENTIAL_VERIFY_INTL, 300L);
    group.settle(6);

    assertThat(busy.agent.inForce().get(Api.CREDENTIAL_VERIFY_INTL)).as("the whole limit").isEqualTo(20);
    group.advance(Duration.ofSeconds(2));
    assertThat(busy.lanes.get(Api.CREDENTIAL_VERIFY_INTL).idleMillis(group.millis())).isZero();
    busy.lanes.get(Api.CREDENTIAL_VERIFY_INTL).apply(group.millis());
    assertThat(busy.lanes.get(Api.CREDENTIAL_VERIFY_INTL).part).as("the lane's part, after its delay").isEqualTo(20);
    assertThat(idle.agent.inForce().get(Api.CREDENTIAL_VERIFY_INTL)).isZero();

    idle.demands.put(Api.CREDENTIAL_VERIFY_INTL, 300L);
    group.settle(6);

    assertThat(busy.agent.inForce().get(Api.CREDENTIAL_VERIFY_INTL)).as("an even split again").isEqualTo(10);
    assertThat(idle.agent.inForce().get(Api.CREDENTIAL_VERIFY_INTL)).isEqualTo(10);
  }

  @Test
  void shouldGiveAnInstanceThatLeavesPartToTheOthersAtOnceAndACrashedOnesAfterItsLease() {
    Harness group = new Harness();
    Instance first = group.join();
    Instance leaving = group.join();
    Instance crashing = group.join();
    group.instances.values().forEach(i -> i.demands.put(Api.CREDENTIAL_VERIFY_INTL, 100L));
    group.settle(6);
    assertThat(first.agent.inForce().get(Api.CREDENTIAL_VERIFY_INTL)).isEqualTo(7);

    group.leave(leaving);
    group.settle(6);
    assertThat(first.agent.inForce().get(Api.CREDENTIAL_VERIFY_INTL)).as("the leaver's part, shared").isEqualTo(10);

    group.crash(crashing);
    group.settle(6);
    assertThat(first.agent.inForce().get(Api.CREDENTIAL_VERIFY_INTL)).as("the crashed one's part waits for its lease")
        .isEqualTo(10);
    group.advance(ShareAgent.Timing.defaults().lease());
    group.settle(6);
    assertThat(first.agent.inForce().get(Api.CREDENTIAL_VERIFY_INTL)).isEqualTo(20);
  }

  @Test
  void shouldUseAPartAtOnceWhenNobodyCalledUnderItInTheLastWindow() {
    Harness group = new Harness();
    Instance alone = group.join();
    group.settle(3); // 150 ms: less than the delay a raise would otherwise wait

    alone.lanes.get(Api.FACE_VERIFY).apply(group.millis());
    assertThat(alone.lanes.get(Api.FACE_VERIFY).part).isEqualTo(1);
  }

  @Test
  void shouldWaitForTheCallsOfAPartGivenUpToLeaveTheWindow() {
    Harness group = new Harness();
    Instance giver = group.join();
    Instance taker = group.join();
    giver.demands.put(Api.CREDENTIAL_VERIFY_INTL, 300L);
    group.settle(4);
    group.advance(Duration.ofSeconds(2));
    group.settle(2);
    assertThat(giver.lanes.get(Api.CREDENTIAL_VERIFY_INTL).part).isEqualTo(20);

    giver.demands.put(Api.CREDENTIAL_VERIFY_INTL, 0L);
    taker.demands.put(Api.CREDENTIAL_VERIFY_INTL, 300L);
    long handedOver = group.millis();
    group.settle(8); // 400 ms: the giver has lowered, the taker's claim is confirmed
    Lane taking = taker.lanes.get(Api.CREDENTIAL_VERIFY_INTL);
    taking.apply(group.millis());
    assertThat(taker.agent.inForce().get(Api.CREDENTIAL_VERIFY_INTL)).isGreaterThan(10);
    assertThat(taking.part).as("not yet: the giver called until %d ms ago", group.millis() - handedOver)
        .isLessThanOrEqualTo(10);
    group.advance(ShareAgent.RAISE_AFTER);
    taking.apply(group.millis());
    assertThat(taking.part).isGreaterThan(10);
  }

  @Test
  void shouldStopCallingWhenTheBrokerTakesNoMessageForTheFence() {
    Harness group = new Harness();
    Instance alone = group.join();
    alone.demands.put(Api.VERIFY_MATERIAL, 5L);
    group.settle(5);
    assertThat(alone.agent.inForce().get(Api.VERIFY_MATERIAL)).isEqualTo(3);

    alone.cutOff = true;
    group.advance(ShareAgent.Timing.defaults().fence().plusMillis(1));
    alone.tick();

    assertThat(alone.agent.inForce()).allSatisfy((api, calls) -> assertThat(calls).isZero());
    assertThat(alone.lanes).allSatisfy((api, lane) -> assertThat(lane.part).isZero());
  }

  @Test
  void shouldTakeAnUnreadableMessageAsAClaimOfEveryLimit() {
    Harness group = new Harness();
    Instance alone = group.join();
    alone.demands.put(Api.CREDENTIAL_VERIFY_INTL, 100L);
    group.log.add(new Entry("garbage", ShareMessage.unreadable(), group.nanos / 1_000_000));
    group.settle(5);

    assertThat(alone.agent.inForce().get(Api.CREDENTIAL_VERIFY_INTL)).isZero();
    group.advance(ShareAgent.Timing.defaults().lease().plusSeconds(1));
    group.settle(5);
    assertThat(alone.agent.inForce().get(Api.CREDENTIAL_VERIFY_INTL)).as("after its lease").isEqualTo(20);
  }
}
