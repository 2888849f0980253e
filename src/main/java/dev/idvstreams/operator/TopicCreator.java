package dev.idvstreams.operator;

import dev.idvstreams.config.IdvConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The request, result and dead-letter topics with the configured partitions and replication
 * factor ({@code topics create}). Idempotent: a topic that exists is reported with what it has
 * and left as it is (its partitions and configs are not changed).
 */
public final class TopicCreator {

  public static final long DEFAULT_DLQ_RETENTION_MS = 30L * 24 * 60 * 60 * 1000; // 30 days
  private static final long TIMEOUT_SECONDS = 60;

  private TopicCreator() {}

  /** What became of each topic, told as soon as it is known. */
  public interface Listener {

    void created(String name, int partitions, int replicationFactor);

    /** The topic was there already, with these partitions and replication factor, and is left as it is. */
    void exists(String name, int partitions, int replicationFactor);

    void failed(String name, Throwable cause);
  }

  /** Creates the three topics as configured, telling {@code listener} about each; returns how many failed. */
  public static int create(IdvConfig settings, long dlqRetentionMs, Listener listener)
      throws InterruptedException, ExecutionException, TimeoutException {
    Map<String, NewTopic> topics = newTopics(settings, dlqRetentionMs);
    int failures = 0;
    try (Admin admin = Admin.create(settings.kafkaClientProperties())) {
      CreateTopicsResult created = admin.createTopics(topics.values());
      for (String name : topics.keySet()) {
        try {
          created.values().get(name).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
          listener.created(name, created.numPartitions(name).get(), created.replicationFactor(name).get());
        } catch (ExecutionException e) {
          if (e.getCause() instanceof TopicExistsException) {
            TopicDescription existing = admin.describeTopics(List.of(name)).topicNameValues().get(name)
              .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            listener.exists(name, existing.partitions().size(), existing.partitions().get(0).replicas().size());
          } else {
            failures++;
            listener.failed(name, e.getCause());
          }
        }
      }
    }
    return failures;
  }

  /** The three topics as configured, by name. */
  public static Map<String, NewTopic> newTopics(IdvConfig settings, long dlqRetentionMs) {
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
