package dev.idvstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idvstreams.api.Api;
import dev.idvstreams.avro.CheckType;
import dev.idvstreams.avro.VerificationRequest;
import dev.idvstreams.avro.VerificationResult;
import dev.idvstreams.demo.DemoBatch;
import dev.idvstreams.demo.SimulatorProcess;
import dev.idvstreams.embedded.KafkaBootstrap;
import dev.idvstreams.embedded.KafkaExtension;
import dev.idvstreams.serde.ApicurioRegistry;
import dev.idvstreams.simulator.Arrivals;
import dev.idvstreams.simulator.SimulatorOptions;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Three APIs in one partition, one of them at a limit far below the others and with a long latency (1 call/s,
 * 3 s): the requests of the
 * quick APIs must not wait behind the slow API's. Before, a request whose API had no room held
 * the stream thread until a slot freed, so every API went at the slowest one's pace; now it waits
 * in the store and the thread goes on. The processor runs as a JVM of its own. Asserted as an
 * order of completions: the quick APIs' last result comes before the slow API is half done; and
 * the quick APIs' calls per second from their first call to their last, over their limit, printed
 * ({@code [mixed-apis]}) and held to 0.9: held behind the slow API they would make 7 calls a second
 * (0.35); at their own pace they make close to 20. The simulator runs in a JVM of its own, warmed
 * up, as the provider would: in the test's JVM, beside the broker, a GC pause drew throttled
 * answers at the start, each halving an API's rate for seconds (0.75 in one run). Measured so:
 * 0.95 and 0 throttled; the target, 0.95, is not asserted, for the ramp of a 10 s run on
 * two shared cores leaves it no margin.
 */
@ExtendWith(KafkaExtension.class)
class MixedApisIT {

  private static final int SLOW_QPS = 1;
  private static final Duration SLOW_LATENCY = Duration.ofSeconds(3);
  private static final int QUICK_QPS = 20;
  private static final int SLOW_REQUESTS = 30;
  private static final int QUICK_PER_SLOW = 7; // of each quick API, after each slow request: 10 s of calls

  @Test
  void shouldNotHoldTheQuickApisRequestsBehindAnApiAtItsLimit(KafkaBootstrap kafka) throws Exception {
    SimulatorOptions.Builder unused = SimulatorOptions.builder(); // the harness's own; the processor calls `provider`
    Map<String, String> limits = Map.of("qps.credential-verify-intl", String.valueOf(SLOW_QPS),
        "qps.verify-material", String.valueOf(QUICK_QPS), "qps.face-verify", String.valueOf(QUICK_QPS));
    // the simulator in a JVM of its own, as the provider is: in this one, beside the broker, a GC
    // pause bunched its receive times and drew throttled answers at the start (docs/simulator.md)
    try (SimulatorProcess provider = SimulatorProcess.start(Main.class.getName(), List.of("--latency-ms", "50",
            "--api-latency-ms", Api.CREDENTIAL_VERIFY_INTL.action() + "=" + SLOW_LATENCY.toMillis(),
            "--qps", Api.CREDENTIAL_VERIFY_INTL.action() + "=" + SLOW_QPS, "--qps", Api.VERIFY_MATERIAL.action() + "="
            + QUICK_QPS, "--qps", Api.FACE_VERIFY.action() + "=" + QUICK_QPS, "--warm-up-calls", "3000"),
            Files.createTempFile("idv-simulator-", ".log"), Duration.ofSeconds(120));
        ApicurioRegistry registry = ApicurioRegistry.shared();
        PipelineHarness it = new PipelineHarness(kafka, unused, registry.ccompatUrl(), PipelineHarness.calling(limits, provider), 1);
        ProcessorProcess processor = ProcessorProcess.start("mixed", it.config())) {
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
      for (Api quick : List.of(Api.VERIFY_MATERIAL, Api.FACE_VERIFY)) {
        Arrivals arrivals = new Arrivals(provider.acceptedArrivals(quick));
        double utilisation = arrivals.middleRate(0, 1) / QUICK_QPS;
        System.out.printf("[mixed-apis] %s: %d calls, %.2f of its limit of %d from its first call to its last, "
            + "throttled %d%n", quick.action(), arrivals.count(), utilisation, QUICK_QPS,
            provider.stats().get(quick).throttled());
        assertThat(utilisation).as(quick + ": calls per second over the limit, first call to last").isGreaterThanOrEqualTo(0.9);
      }
    }
  }
}
