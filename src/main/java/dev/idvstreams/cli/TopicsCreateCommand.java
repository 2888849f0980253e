package dev.idvstreams.cli;

import dev.idvstreams.config.IdvConfig;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code topics create}: the request, result and dead-letter topics with the configured partitions
 * and replication factor. Idempotent: a topic that exists is reported with what it has and left
 * as it is (its partitions and configs are not changed).
 */
@Command(name = "create", mixinStandardHelpOptions = true,
  description = "Create the request, result and dead-letter topics (topic.partitions, topic.replication.factor); existing ones are left as they are.")
final class TopicsCreateCommand implements Callable<Integer> {

  static final long DEFAULT_DLQ_RETENTION_MS = 30L * 24 * 60 * 60 * 1000; // 30 days
  private static final long TIMEOUT_SECONDS = 60;

  @Mixin
  ConfigOption config;

  @Option(names = "--dlq-retention-ms", paramLabel = "MS", defaultValue = "" + DEFAULT_DLQ_RETENTION_MS,
    description = "retention.ms of the dead-letter topic (default: ${DEFAULT-VALUE}, 30 days).")
  long dlqRetentionMs;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException, ExecutionException, TimeoutException {
    IdvConfig settings = config.load();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Map<String, NewTopic> topics = newTopics(settings, dlqRetentionMs);
    int failures = 0;
    try (Admin admin = Admin.create(settings.kafkaClientProperties())) {
      CreateTopicsResult created = admin.createTopics(topics.values());
      for (String name : topics.keySet()) {
        try {
          created.values().get(name).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
          out.println("created " + name + " (partitions " + created.numPartitions(name).get() + ", replication factor "
            + created.replicationFactor(name).get() + ")");
        } catch (ExecutionException e) {
          if (e.getCause() instanceof TopicExistsException) {
            TopicDescription existing = admin.describeTopics(List.of(name)).topicNameValues().get(name)
              .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            out.println("exists  " + name + " (partitions " + existing.partitions().size() + ", replication factor "
              + existing.partitions().get(0).replicas().size() + "): left as it is");
          } else {
            failures++;
            err.println("failed  " + name + ": " + e.getCause().getMessage());
          }
        }
      }
    }
    out.flush();
    err.flush();
    return failures == 0 ? 0 : 1;
  }

  /** The three topics as configured, by name. */
  static Map<String, NewTopic> newTopics(IdvConfig settings, long dlqRetentionMs) {
    Map<String, NewTopic> topics = new LinkedHashMap<>();
    topics.put(settings.requestsTopic(), topic(settings, settings.requestsTopic(), Map.of()));
    topics.put(settings.resultsTopic(), topic(settings, settings.resultsTopic(), Map.of()));
    topics.put(settings.deadLetterTopic(), topic(settings, settings.deadLetterTopic(),
      Map.of(TopicConfig.RETENTION_MS_CONFIG, String.valueOf(dlqRetentionMs))));
    return topics;
  }

  /**
   * cleanup.policy=delete on all three, whatever the broker's default: the processor needs every
   * request (a compacted request topic would hide duplicates) and every result. The dead-letter
   * topic keeps its records long enough for an operator to look and replay, but not forever:
   * they hold personal data.
   */
  private static NewTopic topic(IdvConfig settings, String name, Map<String, String> extra) {
    Map<String, String> configs = new LinkedHashMap<>(extra);
    configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
    return new NewTopic(name, Optional.of(settings.topicPartitions()), settings.topicReplicationFactor()).configs(configs);
  }
}
