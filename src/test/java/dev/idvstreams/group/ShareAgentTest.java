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

  /** One instance: its agent, its read position, its messages on their way to the log, its parts as its lanes see them. */
  private static final class Instance {
    final String id;
    final ShareAgent agent;
    final Deque<long[]> sendTimes = new ArrayDeque<>();
    final Deque<ShareMessage> outbox = new ArrayDeque<>();
    final Map<Api, Integer> quotas = new EnumMap<>(Api.class);
    final Map<Api, Long> demands = new EnumMap<>(Api.class);
    int read;
    /** Cut off from the broker: nothing it writes arrives, it reads nothing, but it runs on. */
    boolean cutOff;

    Instance(String id, Harness harness) {
      this.id = id;
      for (Api api : Api.values()) {
        quotas.put(api, 0);
        demands.put(api, 0L);
      }
      this.agent = new ShareAgent(id, LIMITS, ShareAgent.Timing.defaults(), new ShareAgent.Outputs() {
        @Override
        public void publish(ShareMessage message, long sentNanos) {
          outbox.addLast(message);
          sendTimes.addLast(new long[] {sentNanos});
        }

        @Override
        public void setQuota(Api api, int callsPerSecond) {
          quotas.put(api, callsPerSecond);
        }
      }, () -> harness.nanos);
    }
  }

  private static final class Harness {
    long nanos = 1_000_000_000L;
    final List<Entry> log = new ArrayList<>();
    final Map<String, Instance> instances = new LinkedHashMap<>();
    /** Crashed instances make no calls; left ones neither. Only these count toward the limit. */
    int next;

    Instance join() {
      Instance instance = new Instance("i" + next++, this);
      instances.put(instance.id, instance);
      return instance;
    }

    void advance(Duration duration) {
      nanos += duration.toNanos();
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
          instance.agent.tick(instance.demands);
        }
        advance(Duration.ofMillis(50));
      }
    }

    void leave(Instance instance) {
      instance.agent.leave();
      instance.outbox.clear();
      instances.remove(instance.id);
      log.add(new Entry(instance.id, null, nanos / 1_000_000));
    }

    void assertWithinLimits(String when) {
      for (Api api : Api.values()) {
        int inForce = instances.values().stream().mapToInt(i -> i.agent.inForce().get(api)).sum();
        int quotas = instances.values().stream().mapToInt(i -> i.quotas.get(api)).sum();
        assertThat(inForce).as("%s: parts in force of %s", when, api).isLessThanOrEqualTo(LIMITS.get(api));
        assertThat(quotas).as("%s: lanes' parts of %s", when, api).isLessThanOrEqualTo(LIMITS.get(api));
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
            group.instances.remove(someone.id); // crashed: makes no call, says nothing
          } else if (action < 6) {
            someone.cutOff = !someone.cutOff; // loses the broker, or finds it again, and runs on
          } else if (action < 30) {
            group.deliver(someone);
          } else if (action < 55) {
            group.read(someone, 1 + random.nextInt(4));
          } else if (action < 85) {
            someone.agent.tick(someone.demands);
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
    assertThat(busy.quotas.get(Api.CREDENTIAL_VERIFY_INTL)).isEqualTo(20);
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

    group.instances.remove(crashing.id);
    group.settle(6);
    assertThat(first.agent.inForce().get(Api.CREDENTIAL_VERIFY_INTL)).as("the crashed one's part waits for its lease")
        .isEqualTo(10);
    group.advance(ShareAgent.Timing.defaults().lease());
    group.settle(6);
    assertThat(first.agent.inForce().get(Api.CREDENTIAL_VERIFY_INTL)).isEqualTo(20);
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
    alone.agent.tick(alone.demands);

    assertThat(alone.agent.inForce()).allSatisfy((api, calls) -> assertThat(calls).isZero());
    assertThat(alone.quotas).allSatisfy((api, calls) -> assertThat(calls).isZero());
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
