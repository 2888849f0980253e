package dev.idvstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idvstreams.embedded.KafkaBootstrap;
import dev.idvstreams.embedded.KafkaExtension;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(KafkaExtension.class)
class TopicsCreateCommandIT {

  @TempDir
  Path dir;

  @Test
  void shouldCreateTheTopicsAsConfiguredAndLeaveExistingOnesAlone(KafkaBootstrap kafka) throws Exception {
    OperatorTool tool = new OperatorTool(kafka, dir, 3);
    try (Admin admin = tool.admin()) {
      admin.createTopics(List.of(new NewTopic(tool.requestsTopic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }

    OperatorTool.Run first = tool.run("topics", "create");

    assertThat(first.exitCode()).as(first.err()).isZero();
    assertThat(first.outLines()).containsExactly(
      "exists  " + tool.requestsTopic + " (partitions 1, replication factor 1): left as it is",
      "created " + tool.resultsTopic + " (partitions 3, replication factor 1)",
      "created " + tool.dlqTopic + " (partitions 3, replication factor 1)");
    try (Admin admin = tool.admin()) {
      Map<String, TopicDescription> topics = admin.describeTopics(List.of(tool.requestsTopic, tool.resultsTopic, tool.dlqTopic))
        .allTopicNames().get(30, TimeUnit.SECONDS);
      assertThat(topics.get(tool.requestsTopic).partitions()).hasSize(1);
      assertThat(topics.get(tool.resultsTopic).partitions()).hasSize(3);
      assertThat(topics.get(tool.dlqTopic).partitions()).hasSize(3);
      Config dlq = config(admin, tool.dlqTopic);
      assertThat(dlq.get(TopicConfig.RETENTION_MS_CONFIG).value()).isEqualTo(String.valueOf(TopicsCreateCommand.DEFAULT_DLQ_RETENTION_MS));
      assertThat(dlq.get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo(TopicConfig.CLEANUP_POLICY_DELETE);
      Config results = config(admin, tool.resultsTopic);
      assertThat(results.get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo(TopicConfig.CLEANUP_POLICY_DELETE);
      assertThat(results.get(TopicConfig.RETENTION_MS_CONFIG).source()).isNotEqualTo(
        ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
    }

    OperatorTool.Run again = tool.run("topics", "create", "--dlq-retention-ms", "1000");

    assertThat(again.exitCode()).as(again.err()).isZero();
    assertThat(again.outLines()).containsExactly(
      "exists  " + tool.requestsTopic + " (partitions 1, replication factor 1): left as it is",
      "exists  " + tool.resultsTopic + " (partitions 3, replication factor 1): left as it is",
      "exists  " + tool.dlqTopic + " (partitions 3, replication factor 1): left as it is");
    try (Admin admin = tool.admin()) {
      assertThat(config(admin, tool.dlqTopic).get(TopicConfig.RETENTION_MS_CONFIG).value())
        .isEqualTo(String.valueOf(TopicsCreateCommand.DEFAULT_DLQ_RETENTION_MS));
    }
  }

  private static Config config(Admin admin, String topic) throws Exception {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    return admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
  }
}
