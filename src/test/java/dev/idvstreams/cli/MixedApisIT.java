package dev.idvstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idvstreams.api.Api;
import dev.idvstreams.avro.CheckType;
import dev.idvstreams.avro.VerificationRequest;
import dev.idvstreams.avro.VerificationResult;
import dev.idvstreams.demo.DemoBatch;
import dev.idvstreams.embedded.KafkaBootstrap;
import dev.idvstreams.embedded.KafkaExtension;
import dev.idvstreams.simulator.SimulatorOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Three APIs in one partition, one of them at a limit far below the others: the requests of the
 * quick APIs must not wait behind the slow API's. Before, a request whose API had no room held
 * the stream thread until a slot freed, so every API went at the slowest one's pace; now it waits
 * in the store and the thread goes on. Asserted as an order of completions, not as a rate: the
 * quick APIs' last result comes before the slow API is half done.
 */
@ExtendWith(KafkaExtension.class)
class MixedApisIT {

  private static final int SLOW_QPS = 1;
  private static final int QUICK_QPS = 20;
  private static final int SLOW_REQUESTS = 16;
  private static final int QUICK_PER_SLOW = 6; // of each quick API, after each slow request

  @Test
  void shouldNotHoldTheQuickApisRequestsBehindAnApiAtItsLimit(KafkaBootstrap kafka) throws Exception {
    SimulatorOptions.Builder sim = SimulatorOptions.builder().latency(Duration.ofMillis(300), Duration.ZERO)
        .qps(Api.CREDENTIAL_VERIFY_INTL, SLOW_QPS).qps(Api.VERIFY_MATERIAL, QUICK_QPS).qps(Api.FACE_VERIFY, QUICK_QPS);
    Map<String, String> limits = Map.of("qps.credential-verify-intl", String.valueOf(SLOW_QPS),
        "qps.verify-material", String.valueOf(QUICK_QPS), "qps.face-verify", String.valueOf(QUICK_QPS));
    try (PipelineHarness it = new PipelineHarness(kafka, sim, null, limits, 1)) {
      it.startProcessor();
      List<VerificationRequest> requests = new ArrayList<>();
      for (int i = 0; i < SLOW_REQUESTS; i++) {
        requests.add(DemoBatch.credential("slow-" + i, "clean"));
        for (int j = 0; j < QUICK_PER_SLOW; j++) {
          requests.add(DemoBatch.material("material-" + i + "-" + j, "sim-status-1"));
          requests.add(DemoBatch.face("face-" + i + "-" + j, "ok"));
        }
      }
      it.sendRequests(requests);

      PipelineHarness.Events events = it.awaitEvents(requests.size(), Duration.ofSeconds(90));

      events.assertEachEndedOnce(requests.size());
      Instant lastQuick = events.results().stream().filter(r -> r.getCheckType() != CheckType.CREDENTIAL)
          .map(VerificationResult::getCompletedAt).max(Comparator.naturalOrder()).orElseThrow();
      List<Instant> slow = events.results().stream().filter(r -> r.getCheckType() == CheckType.CREDENTIAL)
          .map(VerificationResult::getCompletedAt).sorted().toList();
      assertThat(lastQuick).as("the quick APIs' last result, against the slow API's completions %s", slow)
          .isBefore(slow.get(SLOW_REQUESTS / 2 - 1));
    }
  }
}
