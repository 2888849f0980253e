package dev.idvstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idvstreams.api.Api;
import dev.idvstreams.avro.VerificationRequest;
import dev.idvstreams.demo.DemoBatch;
import dev.idvstreams.embedded.KafkaBootstrap;
import dev.idvstreams.embedded.KafkaExtension;
import dev.idvstreams.serde.ApicurioRegistry;
import dev.idvstreams.simulator.AccountState;
import dev.idvstreams.simulator.SimulatorOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A soak run (bench/held-backlog.sh, not part of {@code mvn verify}): the face API is held by its
 * breaker (the account in debt) while 20,000 requests arrive. The heap after a full GC, with 100
 * and then 20,100 requests waiting, must grow by less than 64 MB; everything completes once the
 * account recovers.
 */
@ExtendWith(KafkaExtension.class)
class HeldBacklogSoakIT {

  private static final long MAX_GROWTH_BYTES = 64L * 1024 * 1024;

  @Test
  void shouldKeepTheHeapFlatWhileAHeldApiCollectsADeepBacklog(KafkaBootstrap kafka) throws Exception {
    SimulatorOptions.Builder sim = SimulatorOptions.builder().latency(Duration.ofMillis(20), Duration.ZERO)
        .qps(Api.FACE_VERIFY, 300);
    try (ApicurioRegistry registry = ApicurioRegistry.start();
        PipelineHarness it = new PipelineHarness(kafka, sim, registry.ccompatUrl(),
            Map.of("qps.face-verify", "300"), 3)) {
      it.simulator.accountState(Api.FACE_VERIFY, AccountState.IN_DEBT);
      try (ProcessorProcess processor = ProcessorProcess.start("held", it.config())) {
        it.sendRequests(faces("first-", 100));
        ConsumerProgress.awaitConsumed(kafka.bootstrapServers(), it.prefix, it.prefix + "-by-bizid-repartition",
            Duration.ofMinutes(5));
        long with100 = processor.heapAfterGc();

        for (int batch = 0; batch < 20; batch++) {
          it.sendRequests(faces("deep-" + batch + "-", 1_000));
        }
        ConsumerProgress.awaitConsumed(kafka.bootstrapServers(), it.prefix, it.prefix + "-by-bizid-repartition",
            Duration.ofMinutes(5));
        long with20100 = processor.heapAfterGc();
        System.out.printf("[held-backlog] heap after GC: %.1f MB with 100 waiting, %.1f MB with 20,100 waiting: +%.1f MB%n",
            with100 / 1e6, with20100 / 1e6, (with20100 - with100) / 1e6);
        assertThat(with20100 - with100).as("heap growth").isLessThan(MAX_GROWTH_BYTES);

        long recoveredAt = System.nanoTime();
        it.simulator.accountState(Api.FACE_VERIFY, AccountState.OK);
        PipelineHarness.Events events = it.awaitEvents(20_100, Duration.ofMinutes(10));
        events.assertEachEndedOnce(20_100);
        System.out.printf("[held-backlog] 20,100 results %.0f s after the account recovered%n",
            (System.nanoTime() - recoveredAt) / 1e9);
      }
    }
  }

  private static List<VerificationRequest> faces(String prefix, int count) {
    List<VerificationRequest> requests = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      requests.add(DemoBatch.face(prefix + i, "pass"));
    }
    return requests;
  }
}
