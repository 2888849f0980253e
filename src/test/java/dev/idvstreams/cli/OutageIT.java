package dev.idvstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idvstreams.api.Api;
import dev.idvstreams.avro.VerificationRequest;
import dev.idvstreams.demo.DemoBatch;
import dev.idvstreams.embedded.EmbeddedKafkaBroker;
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
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Kafka and the registry go away for 15 s (20 until 2026-12-07) under a running processor (a separate JVM) and come
 * back: it recovers by itself, dead-letters nothing for it and loses nothing.
 */
@ExtendWith(KafkaExtension.class)
class OutageIT {

  private static final Duration OUTAGE = Duration.ofSeconds(15);

  private static SimulatorOptions.Builder simulator() {
    SimulatorOptions.Builder sim = SimulatorOptions.builder().latency(Duration.ofMillis(100), Duration.ZERO);
    for (Api api : Api.values()) {
      sim.qps(api, 10);
    }
    return sim;
  }

  private static Map<String, String> limits() {
    Map<String, String> config = new HashMap<>();
    for (Api api : Api.values()) {
      config.put("qps." + api.id(), "10");
    }
    return config;
  }

  private static List<VerificationRequest> batch(String prefix, int size) {
    List<VerificationRequest> batch = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      batch.add(i % 2 == 0 ? DemoBatch.credential(prefix + i, "clean") : DemoBatch.material(prefix + i, "pass"));
    }
    return batch;
  }

  private static long accepted(PipelineHarness it) {
    return it.simulator.stats().values().stream().mapToLong(ApiStats.Snapshot::accepted).sum();
  }

  @Test
  void shouldRecoverFromABrokerOutage() throws Exception {
    Path data = Files.createTempDirectory("idv-outage-kafka-");
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(data, 0, false);
    int port = broker.port();
    int requests = 240;
    try (ApicurioRegistry registry = ApicurioRegistry.shared();
        PipelineHarness it = new PipelineHarness(new KafkaBootstrap(broker.bootstrapServers(), "own broker"),
            simulator(), registry.ccompatUrl(), limits(), 2);
        ProcessorProcess processor = ProcessorProcess.start("outage-kafka", it.config())) {
      it.sendRequests(batch("kafka-", requests));
      Awaitility.await().atMost(Duration.ofSeconds(120)).until(() -> accepted(it) >= 40);

      broker.close();
      // the outage: the processor must stay up throughout it
      Awaitility.await().during(OUTAGE).atMost(OUTAGE.plusSeconds(10)).until(processor::isAlive);
      broker = EmbeddedKafkaBroker.start(data, port, false);

      PipelineHarness.Events events = it.awaitEvents(requests, Duration.ofSeconds(240));
      events.assertEachEndedOnce(requests);
      assertThat(processor.isAlive()).as("the processor is still running").isTrue();
      System.out.printf("[outage] broker down %d s: %d results, 0 dead letters, %d calls for %d requests%n",
          OUTAGE.toSeconds(), events.results().size(), accepted(it), requests);
    } finally {
      broker.close();
    }
  }

  @Test
  void shouldWaitForTheRegistryInsteadOfDeadLetteringOrDying(KafkaBootstrap kafka)
      throws Exception {
    int requests = 120;
    try (ApicurioRegistry registry = ApicurioRegistry.shared();
        TcpProxy registryLink = new TcpProxy(registry.port());
        PipelineHarness it = new PipelineHarness(kafka, simulator(), registry.ccompatUrl(), limits(), 2)) {
      Map<String, String> config = new HashMap<>(it.config());
      config.put("schema.registry.url", "http://127.0.0.1:" + registryLink.port() + "/apis/ccompat/v7");
      config.put("schema.registry.request.timeout.ms", "2000");
      // the registry is gone before the processor has read a single schema: it needs it for every record
      registryLink.down();
      try (ProcessorProcess processor = ProcessorProcess.start("outage-registry", config)) {
        it.sendRequests(batch("registry-", requests));
        // the outage: throughout it the processor stays up and makes no call (no request can be read)
        Awaitility.await().during(OUTAGE).atMost(OUTAGE.plusSeconds(10))
            .until(() -> processor.isAlive() && accepted(it) == 0);
        assertThat(accepted(it)).as("no call without the registry: no request could be read").isZero();
        registryLink.up();

        PipelineHarness.Events events = it.awaitEvents(requests, Duration.ofSeconds(240));
        events.assertEachEndedOnce(requests);
        assertThat(processor.isAlive()).as("the processor is still running").isTrue();
        assertThat(processor.log()).contains("Schema registry unavailable");
      }
    }
  }
}
