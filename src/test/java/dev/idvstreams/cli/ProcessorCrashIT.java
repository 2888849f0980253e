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
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A crash: the processor, a separate JVM ({@code java -jar idv-streams.jar run}), killed with
 * SIGKILL mid-batch, then started again on a fresh state directory (as on another machine). The
 * registry is a real Apicurio, since the two JVMs and the test must share it.
 */
@ExtendWith(KafkaExtension.class)
class ProcessorCrashIT {

  private static final int IN_FLIGHT_BOUND = 8;

  @Test
  void shouldLoseNothingAndPublishNothingTwiceAfterACrash(KafkaBootstrap kafka) throws Exception {
    int requests = 120;
    SimulatorOptions.Builder sim = SimulatorOptions.builder().latency(Duration.ofMillis(300), Duration.ZERO)
      .qps(Api.CREDENTIAL_VERIFY_INTL, 20);
    try (ApicurioRegistry registry = ApicurioRegistry.start();
       PipelineHarness it = new PipelineHarness(kafka, sim, registry.ccompatUrl(),
         Map.of("qps.credential-verify-intl", "20", "in-flight.max", String.valueOf(IN_FLIGHT_BOUND)), 1)) {
      List<VerificationRequest> batch = new ArrayList<>();
      for (int i = 0; i < requests; i++) {
        batch.add(DemoBatch.credential("crash-" + i, "clean"));
      }
      ProcessorProcess first = ProcessorProcess.start("first", it.config());
      it.sendRequests(batch);
      Awaitility.await().atMost(Duration.ofSeconds(120))
        .until(() -> it.simulator.stats().get(Api.CREDENTIAL_VERIFY_INTL).accepted() >= 40);
      first.kill(); // SIGKILL: no drain, no commit
      ApiStats.Snapshot atCrash = it.simulator.stats().get(Api.CREDENTIAL_VERIFY_INTL);
      assertThat(atCrash.accepted()).isLessThan(requests);

      // a fresh state.dir: the store comes back from its changelog, as on another machine
      try (ProcessorProcess second = ProcessorProcess.start("second", it.config())) {
        PipelineHarness.Events events = it.awaitEvents(requests, Duration.ofSeconds(180));
        events.assertEachEndedOnce(requests);

        ApiStats.Snapshot stats = it.simulator.stats().get(Api.CREDENTIAL_VERIFY_INTL);
        long verified = stats.accepted() - stats.repeated();
        // called again: the calls in flight at the crash (at most the bound), and those that
        // completed after the last commit, whose results the crash aborted with the
        // transaction: at 20 QPS, 2 per 100 ms commit interval; a quarter of a second (5)
        // allows for commits running late on a loaded machine
        long uncommittedCompletions = 5;
        assertThat(verified - requests).as("API calls made again after the crash")
          .isBetween(0L, IN_FLIGHT_BOUND + uncommittedCompletions);
      }
    }
  }
}
