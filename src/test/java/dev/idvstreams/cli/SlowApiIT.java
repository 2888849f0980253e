package dev.idvstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idvstreams.aliyun.ErrorClass;
import dev.idvstreams.api.Api;
import dev.idvstreams.avro.VerificationRequest;
import dev.idvstreams.demo.DemoBatch;
import dev.idvstreams.embedded.KafkaBootstrap;
import dev.idvstreams.embedded.KafkaExtension;
import dev.idvstreams.serde.ApicurioRegistry;
import dev.idvstreams.simulator.SimulatorOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A slow, failing API and many partitions on one instance (a separate JVM): 3 s per call at
 * 2 QPS, 30% transient errors, 12 partitions. The stream thread must never keep a transaction
 * open long enough to be fenced, nor miss the group: no fencing, no rebalance after the start, no
 * thread replaced, and every request ends once.
 */
@ExtendWith(KafkaExtension.class)
class SlowApiIT {

  @Test
  void shouldNeitherBeFencedNorRebalanceUnderASlowFailingApi(KafkaBootstrap kafka) throws Exception {
    SimulatorOptions.Builder sim = SimulatorOptions.builder().latency(Duration.ofSeconds(3), Duration.ofMillis(200))
        .errorRate(ErrorClass.TRANSIENT, 0.3);
    Map<String, String> config = new HashMap<>();
    for (Api api : Api.values()) {
      sim.qps(api, 2);
      config.put("qps." + api.id(), "2");
    }
    int requests = 60;
    List<VerificationRequest> batch = new ArrayList<>();
    for (int i = 0; i < requests; i++) {
      String bizId = "slow-" + i;
      batch.add(switch (i % 3) {
        case 0 -> DemoBatch.credential(bizId, "clean");
        case 1 -> DemoBatch.material(bizId, "pass");
        default -> DemoBatch.face(bizId, "pass");
      });
    }
    try (ApicurioRegistry registry = ApicurioRegistry.shared();
        PipelineHarness it = new PipelineHarness(kafka, sim, registry.ccompatUrl(), config, 12)) {
      it.sendRequests(batch);
      try (ProcessorProcess processor = ProcessorProcess.start("slow", it.config())) {
        PipelineHarness.Events events = it.awaitEvents(requests, Duration.ofSeconds(300));

        Set<String> ended = new HashSet<>();
        events.results().forEach(result -> assertThat(ended.add(result.getBizId())).isTrue());
        events.deadLetters().forEach(letter -> assertThat(ended.add(letter.key())).isTrue());
        assertThat(ended).hasSize(requests);
        String log = processor.log();
        assertThat(log).as("fenced").doesNotContain("fenced");
        assertThat(log).as("rebalanced after the start").doesNotContain("from RUNNING to REBALANCING");
        assertThat(log).as("thread replaced").doesNotContain("replacing the stream thread");
        assertThat(processor.isAlive()).isTrue();
        System.out.printf("[slow-api] %d requests over 12 partitions: %d results, %d dead letters, no fencing%n",
            requests, events.results().size(), events.deadLetters().size());
      }
    }
  }
}
