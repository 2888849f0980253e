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
    /** Its lanes' arrival guard: added to the wait for a part another gave up, and taken off the age of the calls it tells. */
    Duration guard = Duration.ofMillis(20);

    Instance(String id, Harness harness) {
      this.id = id;
      this.harness = harness;
      for (Api api : Api.values()) {
        lanes.put(api, new Lane());
        demands.put(api, 0L);
      }
      this.agent = new ShareAgent(id, LIMITS, ShareAgent.Timing.defaults(), (message, sentNanos) -> {
        outbox.addLast(message);
        sendTimes.addLast(new long[] {sentNanos});
      }, new ShareAgent.Lanes() {
        @Override
        public void setQuota(Api api, int callsPerSecond, Duration increaseDelay) {
          lanes.get(api).set(callsPerSecond, increaseDelay, harness.millis());
        }

        @Override
        public long millisSinceCallBeyond(Api api, int calls) {
          return lanes.get(api).millisSinceCallBeyond(calls, harness.millis());
        }

        @Override
        public int callsInWindow(Api api) {
          return lanes.get(api).within(harness.millis());
        }

        @Override
        public Duration arrivalGuard(Api api) {
          return guard;
        }
      }, () -> harness.nanos);
    }

    void tick() {
      agent.tick(new EnumMap<>(demands));
    }
  }

  /**
   * One lane as the limiter runs it: its part lower at once, higher after the delay (a lower part
   * cancels a higher one still waiting), and a call whenever its window allows one: fewer than its
   * part in the last second, counting every call whatever the part was when it left. An instance
   * calls as soon as it may, up to {@link #wanted} a second: the worst case for the provider's window.
   */
  private static final class Lane {
    /** When each call left, ms, in order. */
    final List<Long> calls = new ArrayList<>();
    int part;
    Integer pending;
    long pendingAt;
    /** The calls a second its work asks for. */
    int wanted = Integer.MAX_VALUE;

    void set(int calls, Duration delay, long now) {
      apply(now);
      if (calls > part) {
        long at = Math.max(now + delay.toMillis(), pending == null ? now : pendingAt);
        if (at <= now) {
          pending = null;
          part = calls;
        } else {
          pending = calls;
          pendingAt = at;
        }
      } else if (calls != part || pending != null) {
        pending = null;
        part = calls;
      }
    }

    void apply(long now) {
      if (pending != null && now >= pendingAt) {
        part = pending;
        pending = null;
      }
    }

    /** Makes every call its window allows now. */
    void call(long now) {
      apply(now);
      while (within(now) < Math.min(part, wanted)) {
        calls.add(now);
      }
    }

    /** The calls that left in the second up to {@code now}: the provider's window. */
    int within(long now) {
      int count = 0;
      for (int i = calls.size() - 1; i >= 0 && calls.get(i) > now - 1_000; i--) {
        count++;
      }
      return count;
    }

    long millisSinceCallBeyond(int newest, long now) {
      int index = calls.size() - 1 - newest;
      return index >= 0 && now - calls.get(index) < 2_000 ? now - calls.get(index) : ApiLoad.NEVER;
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
    /** Every window that ended at or before this time was checked. */
    long checkedUpTo = Long.MIN_VALUE / 2;

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
        call();
        if (left > 0) {
          instances.values().forEach(Instance::tick);
        }
      }
    }

    /** Every live instance's lanes make the calls their windows allow now. */
    void call() {
      for (Instance instance : instances.values()) {
        instance.lanes.values().forEach(lane -> lane.call(millis()));
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
     * The parts in force add up to at most the limit, and so do the calls of every lane, live or
     * gone, in every second that ended since the last check (the provider's window): the calls
     * made beyond a part given up have left the window before another instance uses it.
     */
    void assertWithinLimits(String when) {
      call();
      long now = millis();
      for (Api api : Api.values()) {
        int inForce = instances.values().stream().mapToInt(i -> i.agent.inForce().get(api)).sum();
        assertThat(inForce).as("%s: parts in force of %s", when, api).isLessThanOrEqualTo(LIMITS.get(api));
        List<Instance> everyone = new ArrayList<>(instances.values());
        everyone.addAll(gone);
        List<Long> recent = new ArrayList<>();
        for (Instance instance : everyone) {
          List<Long> calls = instance.lanes.get(api).calls;
          for (int i = calls.size() - 1; i >= 0 && calls.get(i) > checkedUpTo - 1_000; i--) {
            recent.add(calls.get(i));
          }
        }
        java.util.Collections.sort(recent);
        for (int end = 0; end < recent.size(); end++) {
          if (recent.get(end) <= checkedUpTo) {
            continue;
          }
          int start = end;
          while (start > 0 && recent.get(start - 1) > recent.get(end) - 1_000) {
            start--;
          }
          int sameTime = end;
          while (sameTime + 1 < recent.size() && recent.get(sameTime + 1).equals(recent.get(end))) {
            sameTime++;
          }
          assertThat(sameTime - start + 1).as("%s: the calls of %s in the second up to %d ms", when, api,
              recent.get(end)).isLessThanOrEqualTo(LIMITS.get(api));
        }
      }
      checkedUpTo = now;
    }
  }

  @Test
  void shouldNeverLetThePartsInForceExceedTheLimitWhateverJoinsLeavesDemandsAndDelays() {
    for (long seed = 0; seed < 200; seed++) {
      SplittableRandom random = new SplittableRandom(seed);
      Harness group = new Harness();
      for (int i = 0; i < 1 + random.nextInt(3); i++) {
        group.join().guard = Duration.ofMillis(random.nextInt(251));
      }
      for (int step = 0; step < 1_500; step++) {
        List<Instance> members = new ArrayList<>(group.instances.values());
        int action = random.nextInt(100);
        if (members.isEmpty() || action < 2) {
          group.join().guard = Duration.ofMillis(random.nextInt(251));
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
          } else if (action < 93) {
            Api api = Api.values()[random.nextInt(Api.values().length)];
            someone.demands.put(api, random.nextInt(4) == 0 ? 0L : (long) random.nextInt(50));
          } else if (action < 95) {
            // its work asks for fewer calls than its part, or as many as it may make
            Lane lane = someone.lanes.get(Api.values()[random.nextInt(Api.values().length)]);
            lane.wanted = random.nextInt(3) == 0 ? Integer.MAX_VALUE : random.nextInt(25);
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
    // 2 s, messages flowing (longer without one is past the fence): the idle one's claim holds the
    // calls it made (each lane here calls as soon as it may) until they have aged
    group.settle(40);

    assertThat(busy.agent.inForce().get(Api.CREDENTIAL_VERIFY_INTL)).as("the whole limit").isEqualTo(20);
    busy.lanes.get(Api.CREDENTIAL_VERIFY_INTL).apply(group.millis());
    assertThat(busy.lanes.get(Api.CREDENTIAL_VERIFY_INTL).part).as("the lane's part, after its delay").isEqualTo(20);
    assertThat(idle.agent.inForce().get(Api.CREDENTIAL_VERIFY_INTL)).isZero();

    idle.demands.put(Api.CREDENTIAL_VERIFY_INTL, 300L);
    group.settle(40);

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
    Handover handover = Handover.whole(group, Duration.ofMillis(20), Duration.ofMillis(20));
    Instance giver = handover.giver();
    Instance taker = handover.taker();
    assertThat(giver.lanes.get(Api.CREDENTIAL_VERIFY_INTL).part).isEqualTo(20);

    handover.start();
    long handedOver = group.millis();
    group.settle(8); // 400 ms: the giver has lowered, the taker's claim is confirmed
    Lane taking = taker.lanes.get(Api.CREDENTIAL_VERIFY_INTL);
    taking.apply(group.millis());
    assertThat(taking.part).as("not yet: the giver called until %d ms ago", group.millis() - handedOver)
        .isLessThanOrEqualTo(10);
    group.settle((int) (ShareAgent.RAISE_AFTER_BEFORE_GUARD.plus(giver.guard).plus(taker.guard).toMillis() / 50) + 4);
    taking.apply(group.millis());
    assertThat(taking.part).isGreaterThan(10);
  }

  @Test
  void shouldUseAPartGivenUpAsSoonAsTheGiversLastCallIsAWindowAndBothGuardsOld() {
    for (Duration guard : List.of(Duration.ofMillis(20), Duration.ofMillis(250))) {
      Harness group = new Harness();
      // the giver told 100 ms younger: more than the log's 50 ms rounds hide
      Handover handover = Handover.whole(group, Duration.ofMillis(100), guard);
      Instance giver = handover.giver();
      Lane giving = giver.lanes.get(Api.CREDENTIAL_VERIFY_INTL);
      assertThat(giving.part).isEqualTo(20);

      handover.start();
      Lane taking = handover.taker().lanes.get(Api.CREDENTIAL_VERIFY_INTL);
      long handedOver = group.millis();
      long beforeRaise = handedOver;
      while (taking.part <= 10 && group.millis() - handedOver < 5_000) {
        beforeRaise = group.millis();
        group.settle(1);
        taking.apply(group.millis());
      }
      long lastGiven = giving.calls.get(giving.calls.size() - 1);
      long wait = ShareAgent.RAISE_AFTER_BEFORE_GUARD.plus(giver.guard).plus(guard).toMillis();
      assertThat(taking.part).as("guard %s", guard).isGreaterThan(10);
      assertThat(group.millis()).as("guard %s: raised at, the giver's last call at %d", guard, lastGiven)
          .isGreaterThanOrEqualTo(lastGiven + wait);
      // the giver's message is in the log a round (50 ms) after it said how long ago its last call left
      assertThat(beforeRaise).as("guard %s: not raised yet at, the giver's last call at %d", guard, lastGiven)
          .isLessThan(lastGiven + wait + 100);
    }
  }

  /** Two instances, the giver with the whole limit of CredentialVerifyIntl, until {@link #start} hands it to the taker. */
  private record Handover(Instance giver, Instance taker) {

    static Handover whole(Harness group, Duration giverGuard, Duration takerGuard) {
      Handover handover = new Handover(group.join(), group.join());
      handover.giver.guard = giverGuard;
      handover.taker.guard = takerGuard;
      handover.giver.demands.put(Api.CREDENTIAL_VERIFY_INTL, 300L);
      group.settle(44);
      return handover;
    }

    /** The work moves: the giver has none left, the taker has it. */
    void start() {
      giver.demands.put(Api.CREDENTIAL_VERIFY_INTL, 0L);
      taker.demands.put(Api.CREDENTIAL_VERIFY_INTL, 300L);
    }
  }

  /** A giver that had the whole limit of CredentialVerifyIntl and has just lowered its part to 0 for a taker. */
  private static Instance giverJustLowered(Harness group, Duration guard) {
    Handover handover = Handover.whole(group, guard, Duration.ofMillis(20));
    Instance giver = handover.giver();
    assertThat(giver.agent.untilAClaimFalls()).as("its calls fit the part it claims").isEmpty();

    handover.start();
    for (int round = 0; round < 10 && giver.agent.inForce().get(Api.CREDENTIAL_VERIFY_INTL) > 0; round++) {
      group.settle(1); // 50 ms a round: the taker's demand is heard, the giver lowers
    }
    assertThat(giver.agent.inForce().get(Api.CREDENTIAL_VERIFY_INTL)).isZero();
    return giver;
  }

  @Test
  void shouldSayWhenItsClaimFallsAsTheCallsOfAPartGivenUpLeaveTheWindow() {
    Harness group = new Harness();
    // its window here is a second, without the guard: the claim falls sooner than it counts
    Instance giver = giverJustLowered(group, Duration.ofMillis(30));
    Lane giving = giver.lanes.get(Api.CREDENTIAL_VERIFY_INTL);
    int inWindow = giving.within(group.millis());
    assertThat(inWindow).isPositive();
    long oldest = giving.calls.get(giving.calls.size() - inWindow);
    Duration until = giver.agent.untilAClaimFalls().orElseThrow();
    assertThat(until).isEqualTo(Duration.ofMillis(oldest + 1_000 + 30 - group.millis()));

    group.advance(until);
    giver.tick();
    assertThat(giver.outbox.peekLast().claims().get(Api.CREDENTIAL_VERIFY_INTL))
        .as("the claim written once the oldest call has left").isLessThan(inWindow);
  }

  @Test
  void shouldLookAgainForAFallingClaimNoSoonerThanAStep() {
    Harness group = new Harness();
    Instance giver = giverJustLowered(group, Duration.ZERO);
    Duration until = giver.agent.untilAClaimFalls().orElseThrow();
    group.advance(until.minusMillis(10));
    assertThat(giver.agent.untilAClaimFalls()).as("10 ms before the oldest call leaves")
        .contains(ShareAgent.CLAIM_FALL_STEP);
  }

  @Test
  void shouldUseAPartGivenUpAtOnceWhenTheGiverMadeNoCallBeyondThePartItKeeps() {
    Harness group = new Harness();
    Instance giver = group.join();
    Instance taker = group.join();
    giver.demands.put(Api.CREDENTIAL_VERIFY_INTL, 300L);
    taker.demands.put(Api.CREDENTIAL_VERIFY_INTL, 300L);
    group.settle(6);
    // the giver's work asks for 1 call a second: it calls on, under a part of 10
    giver.lanes.get(Api.CREDENTIAL_VERIFY_INTL).wanted = 1;
    group.settle(60);
    assertThat(giver.agent.inForce().get(Api.CREDENTIAL_VERIFY_INTL)).isEqualTo(10);

    giver.demands.put(Api.CREDENTIAL_VERIFY_INTL, 2L);
    group.settle(6); // 300 ms, far less than the wait after a call made beyond the part kept
    Lane taking = taker.lanes.get(Api.CREDENTIAL_VERIFY_INTL);
    taking.apply(group.millis());
    assertThat(giver.agent.inForce().get(Api.CREDENTIAL_VERIFY_INTL)).isEqualTo(2);
    assertThat(taking.part).as("the giver's calls of the last two seconds fit the 2 it keeps").isEqualTo(18);
    assertThat(giver.lanes.get(Api.CREDENTIAL_VERIFY_INTL).millisSinceCallBeyond(0, group.millis()))
        .as("while it called within the last %s", ShareAgent.RAISE_AFTER_BEFORE_GUARD)
        .isLessThan(ShareAgent.RAISE_AFTER_BEFORE_GUARD.toMillis());
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
