package dev.idvstreams.operator;

import dev.idvstreams.config.IdvConfig;
import dev.idvstreams.serde.SchemaRegistryClient;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;

/** The Kafka clients and the registry of the operator commands, configured as {@code run} configures its own. */
public final class OperatorClients {

  private OperatorClients() {}

  /** The registry client, once the registry answered it: refused credentials or an untrusted certificate stop the command here. */
  public static SchemaRegistryClient registry(IdvConfig config) {
    SchemaRegistryClient registry = config.schemaRegistry().client();
    registry.check();
    return registry;
  }

  /** acks=all and idempotent: a request is on the topic once, in file order per bizId, when the send succeeds. */
  public static Map<String, Object> producerProperties(IdvConfig config, String clientId) {
    Map<String, Object> properties = config.kafkaClientProperties();
    properties.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    properties.put(ProducerConfig.ACKS_CONFIG, "all");
    properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    return properties;
  }

  /**
   * read_committed, because the processor writes transactionally (exactly_once_v2): aborted
   * writes are never shown. No auto commit and no topic creation by reading a missing topic.
   */
  public static Map<String, Object> consumerProperties(IdvConfig config, String clientId) {
    Map<String, Object> properties = config.kafkaClientProperties();
    properties.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    properties.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    return properties;
  }

  /** Thrown when a topic an operator command reads does not exist. */
  public static final class MissingTopicException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MissingTopicException(String topic) {
      super("topic " + topic + " does not exist (topics create makes the configured ones)");
    }
  }

  /** Every partition of {@code topic}, assigned to {@code consumer}. */
  public static List<TopicPartition> assignAll(Consumer<?, ?> consumer, String topic) {
    List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
      .map(info -> new TopicPartition(topic, info.partition()))
      .toList();
    if (partitions.isEmpty()) {
      throw new MissingTopicException(topic);
    }
    consumer.assign(partitions);
    return partitions;
  }
}
