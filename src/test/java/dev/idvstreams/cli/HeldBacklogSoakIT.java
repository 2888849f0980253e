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
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
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
        awaitConsumed(kafka, it);
        long with100 = heapAfterGc(processor);

        for (int batch = 0; batch < 20; batch++) {
          it.sendRequests(faces("deep-" + batch + "-", 1_000));
        }
        awaitConsumed(kafka, it);
        long with20100 = heapAfterGc(processor);
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

  /** Until the verify tasks have read every record of the repartition topic and committed it. */
  private static void awaitConsumed(KafkaBootstrap kafka, PipelineHarness it) {
    String repartition = it.prefix + "-by-bizid-repartition";
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      Awaitility.await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1)).until(() -> {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(it.prefix)
            .partitionsToOffsetAndMetadata().get();
        Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
        committed.keySet().stream().filter(tp -> tp.topic().equals(repartition))
            .forEach(tp -> latest.put(tp, OffsetSpec.latest()));
        if (latest.isEmpty()) {
          return false;
        }
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all().get();
        return ends.entrySet().stream().allMatch(end -> committed.get(end.getKey()).offset() >= end.getValue().offset());
      });
    }
  }

  private static final Pattern USED = Pattern.compile("generation\\s+total \\d+K, used (\\d+)K");

  /** The processor's heap in use after a full collection, from the JDK's own jcmd. */
  private static long heapAfterGc(ProcessorProcess processor) throws IOException, InterruptedException {
    jcmd(processor, "GC.run");
    String info = jcmd(processor, "GC.heap_info");
    Matcher used = USED.matcher(info);
    long kilobytes = 0;
    while (used.find()) {
      kilobytes += Long.parseLong(used.group(1));
    }
    assertThat(kilobytes).as("heap figures in: " + info).isPositive();
    return kilobytes * 1024;
  }

  private static String jcmd(ProcessorProcess processor, String command) throws IOException, InterruptedException {
    Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
        String.valueOf(processor.pid()), command).redirectErrorStream(true).start();
    String output = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(jcmd.waitFor()).as("jcmd " + command + ": " + output).isZero();
    return output;
  }
}
