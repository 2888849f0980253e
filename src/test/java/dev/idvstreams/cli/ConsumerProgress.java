package dev.idvstreams.cli;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;

/** How far a consumer group has come through a topic, from its committed offsets. */
public final class ConsumerProgress {

  private ConsumerProgress() {}

  /** Until {@code group} has committed every record of {@code topic} that exists when asked. */
  public static void awaitConsumed(String bootstrapServers, String group, String topic, Duration atMost) {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
      Awaitility.await().atMost(atMost).pollInterval(Duration.ofSeconds(1)).until(() -> {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
            .partitionsToOffsetAndMetadata().get();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        committed.keySet().stream().filter(tp -> tp.topic().equals(topic)).forEach(tp -> latest.put(tp, OffsetSpec.latest()));
        if (latest.isEmpty()) {
          return false;
        }
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all().get();
        return ends.entrySet().stream().allMatch(end -> committed.get(end.getKey()).offset() >= end.getValue().offset());
      });
    }
  }
}
