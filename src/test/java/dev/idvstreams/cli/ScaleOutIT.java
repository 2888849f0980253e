package dev.idvstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idvstreams.api.Api;
import dev.idvstreams.avro.VerificationRequest;
import dev.idvstreams.demo.DemoBatch;
import dev.idvstreams.demo.SimulatorProcess;
import dev.idvstreams.embedded.KafkaBootstrap;
import dev.idvstreams.embedded.KafkaExtension;
import dev.idvstreams.serde.ApicurioRegistry;
import dev.idvstreams.simulator.ApiStats;
import dev.idvstreams.simulator.SimulatorOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.utils.Utils;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The promise across processes: instances of the jar as separate JVMs in one group, one real
 * registry (Apicurio) and the simulator at strict limits, while instances join, leave with SIGTERM
 * and are killed with SIGKILL. Each test prints its figures ({@code [scale-out] ...}) for the
 * README and the closing notes.
 */
@ExtendWith(KafkaExtension.class)
class ScaleOutIT {

  private static final int LIMIT = 10;
  /**
   * Cold starts in a row, each beside the previous one's drain, about 10 s each; and SIGKILLs in a
   * row on one state dir. Ten and five until 2026-12-07, then six and five, then four and four, to
   * keep {@code mvn verify} under its 15 minutes as the secured-transport tests came; three cold
   * starts since the cold starts' simulator got a JVM of its own (+10 s) and a clean build took
   * 14 min 39 s.
   */
  private static final int COLD_STARTS = 3;
  private static final int CRASHES = 4;
  private static final Duration LATENCY = Duration.ofMillis(200);
  /** How long a change (a start, a join, a leave, a crash) may hold calls back. */
  private static final Duration SETTLE = Duration.ofSeconds(10);

  private static SimulatorOptions.Builder strictSimulator(int limit) {
    SimulatorOptions.Builder sim = SimulatorOptions.builder().latency(LATENCY, Duration.ofMillis(50));
    for (Api api : Api.values()) {
      sim.qps(api, limit);
    }
    return sim;
  }

  private static Map<String, String> limits(int limit) {
    Map<String, String> config = new HashMap<>();
    for (Api api : Api.values()) {
      config.put("qps." + api.id(), String.valueOf(limit));
    }
    config.put("shutdown.grace.ms", "10000");
    // Up to four processor JVMs, the broker, the registry and the simulator share two cores here:
    // the simulator's receive times jitter by more than the default 20 ms (a throttled answer in
    // 1 of 2 runs of the rolling test), as a slow network would; the guard is what absorbs it.
    // 50 ms drew one throttled answer in 1 of 2 runs (in the restarted instance's seventh second,
    // with the dedup index's writes added); 80 ms costs 3% of the rate
    config.put("qps.arrival-guard.ms", "80");
    return config;
  }

  private static Map<String, String> instance(PipelineHarness it, String id) throws Exception {
    Map<String, String> config = new HashMap<>(it.config());
    config.put("group.instance.id", id);
    return config;
  }

  private static List<VerificationRequest> mixedBatch(String prefix, int size) {
    List<VerificationRequest> batch = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      String bizId = prefix + "-" + i;
      batch.add(switch (i % 3) {
        case 0 -> DemoBatch.credential(bizId, "clean");
        case 1 -> DemoBatch.material(bizId, "pass");
        default -> DemoBatch.face(bizId, "pass");
      });
    }
    return batch;
  }

  /** Never two calls for one request at once, never over a limit, never throttled. */
  private static Map<Api, ApiStats.Snapshot> assertWithinLimits(Map<Api, ApiStats.Snapshot> stats, int limit) {
    stats.forEach((api, s) -> {
      System.out.printf("[scale-out] %s: calls %d, accepted %d, throttled %d, repeated %d, busiest 1 s %d of %d, "
        + "most concurrent calls for one key %d%n", api.action(), s.calls(), s.accepted(), s.throttled(), s.repeated(),
        s.maxCallsInAnyOneSecondWindow(), limit, s.maxConcurrentCallsPerKey());
      assertThat(s.maxConcurrentCallsPerKey()).as(api + ": concurrent calls for one request").isLessThanOrEqualTo(1);
      assertThat(s.maxCallsInAnyOneSecondWindow()).as(api + ": busiest 1-second window").isLessThanOrEqualTo(limit);
      assertThat(s.throttled()).as(api + ": throttled answers").isZero();
    });
    return stats;
  }

  @Test
  void shouldKeepThePromiseWhileInstancesJoinLeaveAndCrash(KafkaBootstrap kafka) throws Exception {
    // the changes come after 250, 500 and 750 calls; what is left after the last (1,350 calls, 45 s
    // at the limits) leaves time to measure the group's rate with every partition still busy
    int requests = 2100;
    try (ApicurioRegistry registry = ApicurioRegistry.shared();
        PipelineHarness it = new PipelineHarness(kafka, strictSimulator(LIMIT), registry.ccompatUrl(), limits(LIMIT), 6)) {
      List<ProcessorProcess> instances = new ArrayList<>();
      List<Long> changes = new ArrayList<>(); // when instances started, joined, left, crashed (System.nanoTime)
      Map<String, Map<String, String>> configs = new HashMap<>(); // one state dir per member, as a StatefulSet's volume
      for (int i = 1; i <= 4; i++) {
        configs.put("a" + i, instance(it, "a" + i));
      }
      try {
        // three at the same moment, against a registry none of them has written to yet
        for (int i = 1; i <= 3; i++) {
          instances.add(ProcessorProcess.start("a" + i, configs.get("a" + i)));
        }
        it.sendRequests(mixedBatch("roll", requests));
        changes.add(System.nanoTime()); // the start: the instances are up and the work is there
        awaitAccepted(it, 250);
        long joinedAt = System.nanoTime();
        changes.add(joinedAt);
        instances.add(ProcessorProcess.start("a4", configs.get("a4")));
        awaitAccepted(it, 500);

        ProcessorProcess leaving = instances.get(0);
        changes.add(System.nanoTime());
        leaving.terminate();
        assertThat(leaving.awaitExit(Duration.ofSeconds(30))).as("SIGTERM ends the instance").isTrue();
        // drained: every call it had started finished and was committed, so none is made again
        assertThat(leaving.log()).contains("Drained for").contains(": 0 call(s) still in flight");
        awaitAccepted(it, 750);

        ProcessorProcess crashing = instances.get(1);
        changes.add(System.nanoTime());
        crashing.kill();
        ProcessorProcess restarted = ProcessorProcess.start("a2", configs.get("a2")); // same member id and volume
        instances.add(restarted);

        PipelineHarness.Events events = it.awaitEvents(requests, Duration.ofSeconds(300));
        events.assertEachEndedOnce(requests);
        List<List<Long>> partitionCalls = firstCallsByPartition(it, 6);
        reportRateOutsideChanges(it, changes, partitionCalls);
        reportLongestWaits(partitionCalls, changes);
        Map<Api, ApiStats.Snapshot> stats = assertWithinLimits(it.simulator.stats(), LIMIT);
        for (Api api : Api.values()) {
          long extra = stats.get(api).accepted() - stats.get(api).repeated() - requests / 3;
          System.out.printf("[scale-out] %s: calls made again %d%n", api.action(), extra);
          it.simulator.keysCalledMoreThanOnce(api).entrySet().stream().limit(8).forEach(key ->
              System.out.printf("[scale-out]   %s called at %s%n", key.getKey().substring(0, Math.min(12, key.getKey().length())),
                  key.getValue().stream().map(t -> java.time.Instant.ofEpochMilli(t).toString().substring(11, 23)).toList()));
          // on the wire when the instance was killed, and at each rebalance: about limit x latency each
          assertThat(extra).as(api + ": calls made again").isLessThanOrEqualTo(3L * LIMIT);
        }
        for (ProcessorProcess instance : instances) {
          if (instance != leaving && instance != crashing) {
            assertThat(instance.isAlive()).as(instance.name() + " still running").isTrue();
            // a rebalance longer than the 10 s transaction timeout may fence a member (its calls since
            // the last commit are made again, within the bound above); it must not take it down
            assertThat(instance.log()).doesNotContain("Stream thread failed");
          }
        }
        System.out.printf("[scale-out] %d requests done %.1f s after the fourth instance joined%n", requests,
          (System.nanoTime() - joinedAt) / 1e9);
      } finally {
        for (ProcessorProcess instance : instances) {
          instance.close();
        }
      }
    }
  }

  @Test
  void shouldLoseNothingThroughACrashLoop(KafkaBootstrap kafka) throws Exception {
    int requests = 300;
    SplittableRandom random = new SplittableRandom(11);
    try (ApicurioRegistry registry = ApicurioRegistry.shared();
        PipelineHarness it = new PipelineHarness(kafka, strictSimulator(LIMIT), registry.ccompatUrl(), limits(LIMIT), 3)) {
      Map<String, String> config = instance(it, "crashy"); // one state dir and member id for every restart
      it.sendRequests(mixedBatch("loop", requests));
      ProcessorProcess current = ProcessorProcess.start("crashy", config);
      try {
        for (int crash = 1; crash <= CRASHES; crash++) {
          long before = totalAccepted(it.simulator.stats());
          long startedAt = System.nanoTime();
          Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> totalAccepted(it.simulator.stats()) > before);
          System.out.printf("[scale-out] restart %d: first call %.1f s after the start%n", crash,
            (System.nanoTime() - startedAt) / 1e9);
          assertThat(Duration.ofNanos(System.nanoTime() - startedAt)).isLessThan(Duration.ofSeconds(10));
          long target = before + 5 + random.nextInt(20);
          Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> totalAccepted(it.simulator.stats()) >= target);
          current.kill();
          current = ProcessorProcess.start("crashy", config);
        }
        PipelineHarness.Events events = it.awaitEvents(requests, Duration.ofSeconds(180));
        events.assertEachEndedOnce(requests);
        Map<Api, ApiStats.Snapshot> stats = assertWithinLimits(it.simulator.stats(), LIMIT);
        long extra = stats.values().stream().mapToLong(s -> s.accepted() - s.repeated()).sum() - requests;
        System.out.printf("[scale-out] crash loop: %d calls made again over %d SIGKILLs%n", extra, CRASHES);
        assertThat(extra).as("calls made again: those in flight at each crash").isLessThanOrEqualTo((long) CRASHES * 3 * LIMIT);
      } finally {
        current.close();
      }
    }
  }

  @Test
  void shouldStayWithinTheLimitRightAfterEveryStart(KafkaBootstrap kafka) throws Exception {
    int limit = 5;
    List<String> simulate = new ArrayList<>(List.of("--latency-ms", "80", "--warm-up-calls", "3000"));
    for (Api api : Api.values()) {
      simulate.addAll(List.of("--qps", api.action() + "=" + limit));
    }
    // the simulator in a JVM of its own, as the provider is: in the test JVM it drew a throttled
    // answer at a start in 1 of 2 runs (2026-12-07, cause not logged); a pause of that JVM bunching
    // its receive times did the same in LimitFollowsWorkIT (README, Measured and Known gaps)
    try (SimulatorProcess provider = SimulatorProcess.start(Main.class.getName(), simulate,
            Files.createTempFile("idv-simulator-", ".log"), Duration.ofSeconds(120));
        ApicurioRegistry registry = ApicurioRegistry.shared();
        PipelineHarness it = new PipelineHarness(kafka, SimulatorOptions.builder(), registry.ccompatUrl(),
            PipelineHarness.calling(limits(limit), provider), 2)) {
      // each start takes at least 12 calls and its SIGTERM drains what it has started: until an
      // API's first answer the in-flight bound assumes 5 s calls, so up to 5 s of calls per API
      // (about 75 at 5 QPS): 600 ran out at the ninth start
      it.sendRequests(mixedBatch("cold", 1000));
      for (int start = 1; start <= COLD_STARTS; start++) {
        Map<String, String> fresh = new HashMap<>(it.config()); // a fresh state dir and JVM: a cold start
        long before = totalAccepted(provider.stats());
        try (ProcessorProcess instance = ProcessorProcess.start("cold" + start, fresh)) {
          Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> totalAccepted(provider.stats()) >= before + 12);
          instance.terminate();
          assertThat(instance.awaitExit(Duration.ofSeconds(30))).as("SIGTERM ends the instance").isTrue();
        }
      }
      assertWithinLimits(provider.stats(), limit);
    }
  }

  /**
   * When each partition's VerifyMaterial requests were first called (System.nanoTime, sorted):
   * their calls name their bizId, so each is placed on its partition as the processor's re-keying
   * places it. The batch mixes the three APIs evenly, so these stand for every API's work.
   */
  private static List<List<Long>> firstCallsByPartition(PipelineHarness it, int partitions) {
    long nanosPerEpochMilli = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis());
    List<List<Long>> calls = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      calls.add(new ArrayList<>());
    }
    it.simulator.callTimes(Api.VERIFY_MATERIAL).forEach((bizId, times) -> calls
        .get(Utils.toPositive(Utils.murmur2(bizId.getBytes(StandardCharsets.UTF_8))) % partitions)
        .add(TimeUnit.MILLISECONDS.toNanos(times.get(0)) + nanosPerEpochMilli));
    calls.forEach(Collections::sort);
    return calls;
  }

  /**
   * What the group used of each limit outside the 10 s after each change (the start included),
   * while every partition still had work: once one ran dry, its instance's part of the limit has
   * nothing to call (the split follows partitions, not traffic).
   */
  private static void reportRateOutsideChanges(PipelineHarness it, List<Long> changes, List<List<Long>> partitionCalls) {
    long workEnd = partitionCalls.stream().mapToLong(calls -> calls.get(calls.size() - 1)).min().orElseThrow();
    List<long[]> windows = new ArrayList<>();
    for (int i = 0; i < changes.size(); i++) {
      long from = changes.get(i) + SETTLE.toNanos();
      long to = Math.min(workEnd, i + 1 < changes.size() ? changes.get(i + 1) : Long.MAX_VALUE);
      if (to - from >= TimeUnit.SECONDS.toNanos(1)) { // a shorter window says little about a rate per second
        windows.add(new long[] {from, to});
      }
    }
    double seconds = windows.stream().mapToLong(w -> w[1] - w[0]).sum() / 1e9;
    System.out.printf("[scale-out] %.1f s outside the %d s after each change with work in every partition%n", seconds,
        SETTLE.toSeconds());
    // reported, not asserted: a throughput figure. The target is 0.9; each instance's whole-call
    // part of the limit allows at most 1 s / (1 s + the 80 ms guard) = 0.93 of it
    for (Api api : Api.values()) {
      long[] arrivals = it.simulator.acceptedArrivals(api);
      long calls = 0;
      StringBuilder each = new StringBuilder();
      for (long[] window : windows) {
        long in = Arrays.stream(arrivals).filter(t -> t >= window[0] && t < window[1]).count();
        calls += in;
        each.append(String.format(" [%.1f-%.1f s: %.2f]", (window[0] - changes.get(0)) / 1e9,
            (window[1] - changes.get(0)) / 1e9, in / ((window[1] - window[0]) / 1e9) / LIMIT));
      }
      System.out.printf("[scale-out] %s: %d calls there, %.2f of the limit; by window after the start:%s%n",
          api.action(), calls, calls / seconds / LIMIT, each);
    }
  }

  /** The longest time a partition went without a call while it had work (the target: 10 s, whatever changed). */
  private static void reportLongestWaits(List<List<Long>> partitionCalls, List<Long> changes) {
    for (int partition = 0; partition < partitionCalls.size(); partition++) {
      List<Long> times = partitionCalls.get(partition);
      long longest = 0;
      long from = 0;
      for (int i = 1; i < times.size(); i++) {
        if (times.get(i) - times.get(i - 1) > longest) {
          longest = times.get(i) - times.get(i - 1);
          from = times.get(i - 1);
        }
      }
      System.out.printf("[scale-out] VerifyMaterial partition %d: %d calls, longest wait %.1f s, from %.1f s after "
          + "the start%n", partition, times.size(), longest / 1e9, (from - changes.get(0)) / 1e9);
    }
  }

  private static long totalAccepted(Map<Api, ApiStats.Snapshot> stats) {
    return stats.values().stream().mapToLong(ApiStats.Snapshot::accepted).sum();
  }

  private static void awaitAccepted(PipelineHarness it, long calls) {
    Awaitility.await().atMost(Duration.ofSeconds(180)).until(() -> totalAccepted(it.simulator.stats()) >= calls);
  }
}
