package dev.idvstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idvstreams.api.Api;
import dev.idvstreams.avro.VerificationRequest;
import dev.idvstreams.avro.VerificationResult;
import dev.idvstreams.demo.DemoBatch;
import dev.idvstreams.embedded.KafkaBootstrap;
import dev.idvstreams.embedded.KafkaExtension;
import dev.idvstreams.simulator.SimulatorOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One bizId written by producers that partition differently: Kafka's Java default (murmur2 of
 * the key), librdkafka's default (CRC32 of the key: Python, Go, .NET, C clients), a partition
 * chosen by hand, and no key at all. Dedup must still see one request.
 */
@ExtendWith(KafkaExtension.class)
class AnyPartitionerIT {

  private static final int PARTITIONS = 6;

  @Test
  void shouldCallOnceForOneBizIdOnFourPartitionsWhateverThePartitioner(KafkaBootstrap kafka) throws Exception {
    String bizId = bizIdWhosePartitionersDisagree();
    int murmur2 = Utils.toPositive(Utils.murmur2(bizId.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
    int crc32 = crc32Partition(bizId);
    int byHand = otherThan(murmur2, crc32);
    SimulatorOptions.Builder sim = SimulatorOptions.builder().latency(Duration.ofMillis(300), Duration.ZERO)
        .qps(Api.CREDENTIAL_VERIFY_INTL, 10);
    try (PipelineHarness it = new PipelineHarness(kafka, sim, null, Map.of(), PARTITIONS)) {
      it.startProcessor();
      VerificationRequest request = DemoBatch.credential(bizId, "clean");
      byte[] value = it.record(request).value();
      it.send(List.of(
          new ProducerRecord<>(it.requestsTopic, murmur2, bizId, value),
          new ProducerRecord<>(it.requestsTopic, crc32, bizId, value),
          new ProducerRecord<>(it.requestsTopic, byHand, bizId, value),
          new ProducerRecord<>(it.requestsTopic, null, value)));

      PipelineHarness.Events events = it.awaitEvents(4, Duration.ofSeconds(60));

      assertThat(events.deadLetters()).isEmpty();
      assertThat(events.results()).extracting(VerificationResult::getBizId).containsOnly(bizId);
      assertThat(events.results()).extracting(VerificationResult::getReplayed)
          .containsExactlyInAnyOrder(false, true, true, true);
      assertThat(it.simulator.stats().get(Api.CREDENTIAL_VERIFY_INTL).calls()).as("calls to the API").isEqualTo(1);
    }
  }

  /** librdkafka's consistent partitioner: CRC32 of the key. */
  private static int crc32Partition(String key) {
    CRC32 crc = new CRC32();
    crc.update(key.getBytes(StandardCharsets.UTF_8));
    return (int) (crc.getValue() % PARTITIONS);
  }

  private static String bizIdWhosePartitionersDisagree() {
    for (int i = 0; ; i++) {
      String candidate = "any-partitioner-" + i;
      if (crc32Partition(candidate)
          != Utils.toPositive(Utils.murmur2(candidate.getBytes(StandardCharsets.UTF_8))) % PARTITIONS) {
        return candidate;
      }
    }
  }

  private static int otherThan(int a, int b) {
    for (int p = 0; ; p++) {
      if (p != a && p != b) {
        return p;
      }
    }
  }
}
