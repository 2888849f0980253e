package dev.idvstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idvstreams.api.Api;
import dev.idvstreams.avro.VerificationRequest;
import dev.idvstreams.demo.DemoBatch;
import dev.idvstreams.embedded.KafkaBootstrap;
import dev.idvstreams.embedded.KafkaExtension;
import dev.idvstreams.serde.ApicurioRegistry;
import dev.idvstreams.simulator.ApiStats;
import dev.idvstreams.simulator.SimulatorOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A soak run (bench/limit-turns.sh, not part of {@code mvn verify}: about two minutes): a limit of
 * 2 calls/s shared by three instances owning two partitions each. Whole calls cannot go round, so
 * the owners take 15 s turns; every request must end once, every instance have a turn and at most
 * 2 calls be accepted in any second; throttled answers are reported. Before the turns, the third
 * instance got 0 and its partitions waited for good.
 */
@ExtendWith(KafkaExtension.class)
class LimitTurnsSoakIT {

  private static final int LIMIT = 2;

  @Test
  void shouldServeEveryPartitionWhenTheLimitIsSmallerThanTheInstances(KafkaBootstrap kafka) throws Exception {
    int requests = 90;
    SimulatorOptions.Builder sim = SimulatorOptions.builder().latency(Duration.ofMillis(200), Duration.ofMillis(50))
        .qps(Api.CREDENTIAL_VERIFY_INTL, LIMIT);
    try (ApicurioRegistry registry = ApicurioRegistry.start();
        PipelineHarness it = new PipelineHarness(kafka, sim, registry.ccompatUrl(),
            Map.of("qps.credential-verify-intl", String.valueOf(LIMIT), "qps.arrival-guard.ms", "80"), 6)) {
      List<ProcessorProcess> instances = new ArrayList<>();
      try {
        for (int i = 1; i <= 3; i++) {
          Map<String, String> config = new HashMap<>(it.config());
          config.put("group.instance.id", "t" + i);
          instances.add(ProcessorProcess.start("t" + i, config));
        }
        List<VerificationRequest> batch = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
          batch.add(DemoBatch.credential("turn-" + i, "clean"));
        }
        long sentAt = System.nanoTime();
        it.sendRequests(batch);
        PipelineHarness.Events events = it.awaitEvents(requests, Duration.ofMinutes(4));
        double seconds = (System.nanoTime() - sentAt) / 1e9;

        events.assertEachEndedOnce(requests);
        ApiStats.Snapshot stats = it.simulator.stats().get(Api.CREDENTIAL_VERIFY_INTL);
        System.out.printf("[limit-turns] %d requests at a limit of %d over 3 instances: done in %.1f s (%.1f s at the "
            + "limit), throttled %d, busiest 1 s %d of %d, most concurrent calls for one key %d%n", requests, LIMIT, seconds,
            (double) requests / LIMIT, stats.throttled(), stats.maxCallsInAnyOneSecondWindow(), LIMIT,
            stats.maxConcurrentCallsPerKey());
        for (ProcessorProcess instance : instances) {
          long turns = instance.log().lines().filter(l -> l.contains("CredentialVerifyIntl: this instance's part of the "
              + "limit is 1 of 2")).count();
          System.out.printf("[limit-turns] %s: given 1 of 2 calls/s %d time(s)%n", instance.name(), turns);
          assertThat(turns).as("%s had a part", instance.name()).isPositive();
        }
        assertThat(stats.maxCallsInAnyOneSecondWindow()).as("busiest 1-second window").isLessThanOrEqualTo(LIMIT);
        assertThat(stats.maxConcurrentCallsPerKey()).isLessThanOrEqualTo(1);
        // throttled answers are reported above, not asserted: on two cores shared by three starting
        // JVMs, the broker and the simulator, the simulator's receive times can jitter by more
        // than the guard (README, Known gaps)
      } finally {
        for (ProcessorProcess instance : instances) {
          instance.close();
        }
      }
    }
  }
}
