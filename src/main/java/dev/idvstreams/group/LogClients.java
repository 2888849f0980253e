package dev.idvstreams.group;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The clients of the group's own logs (the share log, the budget log): each reads its one
 * partition whole without a consumer group, and writes small records that must be acknowledged
 * quickly or not at all.
 */
final class LogClients {

  private LogClients() {}

  static Map<String, Object> consumerConfigs(Map<String, Object> common) {
    Map<String, Object> configs = only(common, ConsumerConfig.configNames());
    configs.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    configs.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // a message is read as soon as it is written; waiting fetches cost the broker, not this thread
    configs.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 500);
    configs.remove(ConsumerConfig.GROUP_ID_CONFIG);
    configs.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    return configs;
  }

  static Map<String, Object> producerConfigs(Map<String, Object> common) {
    Map<String, Object> configs = only(common, ProducerConfig.configNames());
    configs.put(ProducerConfig.ACKS_CONFIG, "all");
    configs.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    configs.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 2_000);
    configs.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000);
    configs.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 3_000);
    configs.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
    return configs;
  }

  private static Map<String, Object> only(Map<String, Object> configs, Set<String> names) {
    Map<String, Object> kept = new HashMap<>();
    configs.forEach((key, value) -> {
      if (names.contains(key)) {
        kept.put(key, value);
      }
    });
    return kept;
  }
}
