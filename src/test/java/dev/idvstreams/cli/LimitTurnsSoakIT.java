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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A soak run (bench/limit-turns.sh, not part of {@code mvn verify}: about four minutes): a limit of
 * 2 calls/s shared by three instances owning two partitions each. Whole calls cannot go round, so
 * the owners take 15 s turns; every request must end once, every instance have a turn and at most
 * 2 calls be accepted in any second; throttled answers are reported. Before the turns, the third
 * instance got 0 and its partitions waited for good.
 *
 * <p>Run twice: with the simulator in the test JVM (beside the broker, as in the integration
 * tests), and in a JVM of its own, to tell whether throttled answers come from the processors'
 * pacing or from the simulator's own receive times (README, Known gaps).
 */
@ExtendWith(KafkaExtension.class)
class LimitTurnsSoakIT {

  private static final int LIMIT = 2;
  private static final int REQUESTS = 90;

  @Test
  void shouldServeEveryPartitionWhenTheLimitIsSmallerThanTheInstances(KafkaBootstrap kafka) throws Exception {
    try (ApicurioRegistry registry = ApicurioRegistry.start();
        PipelineHarness it = new PipelineHarness(kafka, simulator(), registry.ccompatUrl(), limits(), 6)) {
      run(it, it.config(), "in the test JVM",
          () -> it.simulator.stats().get(Api.CREDENTIAL_VERIFY_INTL));
    }
  }

  @Test
  void shouldServeEveryPartitionWithTheSimulatorInAJvmOfItsOwn(KafkaBootstrap kafka) throws Exception {
    Path log = Files.createTempFile("idv-simulator-", ".log");
    try (SimulatorProcess simulator = SimulatorProcess.start(Main.class.getName(), List.of("--qps",
            Api.CREDENTIAL_VERIFY_INTL.action() + "=" + LIMIT, "--latency-ms", "200", "--latency-jitter-ms", "50"), log,
            Duration.ofSeconds(60));
        ApicurioRegistry registry = ApicurioRegistry.start();
        PipelineHarness it = new PipelineHarness(kafka, simulator(), registry.ccompatUrl(), limits(), 6)) {
      Map<String, String> config = new HashMap<>(it.config());
      config.put("aliyun.endpoint-override", simulator.endpoint());
      run(it, config, "in a JVM of its own", () -> simulator.stats().get(Api.CREDENTIAL_VERIFY_INTL));
    }
  }

  private static void run(PipelineHarness it, Map<String, String> base, String where,
      java.util.function.Supplier<ApiStats.Snapshot> stats) throws Exception {
    List<ProcessorProcess> instances = new ArrayList<>();
    try {
      for (int i = 1; i <= 3; i++) {
        Map<String, String> config = new HashMap<>(base);
        config.put("group.instance.id", "t" + i);
        config.put("state.dir", Files.createTempDirectory("idv-it-state-").toString()); // one each, as on its own machine
        instances.add(ProcessorProcess.start("t" + i, config));
      }
      List<VerificationRequest> batch = new ArrayList<>();
      for (int i = 0; i < REQUESTS; i++) {
        batch.add(DemoBatch.credential("turn-" + i, "clean"));
      }
      long sentAt = System.nanoTime();
      it.sendRequests(batch);
      PipelineHarness.Events events = it.awaitEvents(REQUESTS, Duration.ofMinutes(4));
      double seconds = (System.nanoTime() - sentAt) / 1e9;

      events.assertEachEndedOnce(REQUESTS);
      ApiStats.Snapshot snapshot = stats.get();
      System.out.printf("[limit-turns] simulator %s: %d requests at a limit of %d over 3 instances: done in %.1f s "
          + "(%.1f s at the limit), throttled %d, busiest 1 s %d of %d, most concurrent calls for one key %d%n", where,
          REQUESTS, LIMIT, seconds, (double) REQUESTS / LIMIT, snapshot.throttled(), snapshot.maxCallsInAnyOneSecondWindow(),
          LIMIT, snapshot.maxConcurrentCallsPerKey());
      for (ProcessorProcess instance : instances) {
        long turns = instance.log().lines().filter(l -> l.contains("CredentialVerifyIntl: this instance's part of the "
            + "limit is 1 of 2")).count();
        System.out.printf("[limit-turns]   %s: given 1 of 2 calls/s %d time(s)%n", instance.name(), turns);
        assertThat(turns).as("%s had a part", instance.name()).isPositive();
      }
      assertThat(snapshot.maxCallsInAnyOneSecondWindow()).as("busiest 1-second window").isLessThanOrEqualTo(LIMIT);
      assertThat(snapshot.maxConcurrentCallsPerKey()).isLessThanOrEqualTo(1);
      // throttled answers are reported above, not asserted: see the class comment
    } finally {
      for (ProcessorProcess instance : instances) {
        instance.close();
      }
    }
  }

  private static SimulatorOptions.Builder simulator() {
    return SimulatorOptions.builder().latency(Duration.ofMillis(200), Duration.ofMillis(50)).qps(Api.CREDENTIAL_VERIFY_INTL, LIMIT);
  }

  private static Map<String, String> limits() {
    return Map.of("qps.credential-verify-intl", String.valueOf(LIMIT), "qps.arrival-guard.ms", "80");
  }
}
