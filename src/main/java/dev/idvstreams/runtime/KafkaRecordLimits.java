package dev.idvstreams.runtime;

import dev.idvstreams.topology.RecordLimits;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads at start how large a record Kafka takes from this processor: the producer's
 * {@code max.request.size}, the broker's {@code message.max.bytes} (which the repartition and
 * changelog topics that Kafka Streams creates inherit) and the {@code max.message.bytes} of the
 * result and dead-letter topics. What cannot be read (a topic not created yet, no permission to
 * describe configs) is left to Kafka's defaults, with a warning.
 */
final class KafkaRecordLimits {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaRecordLimits.class);
  private static final long TIMEOUT_SECONDS = 15;
  private static final String BROKER_MAX_MESSAGE_BYTES = "message.max.bytes";

  private KafkaRecordLimits() {}

  static RecordLimits read(Admin admin, Map<String, Object> producerConfigs, Collection<String> writtenTopics) {
    Object requestSize = producerConfigs.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
    int limit = requestSize == null ? RecordLimits.KAFKA_DEFAULTS.maxRecordBytes() : Integer.parseInt(requestSize.toString());
    String from = ProducerConfig.MAX_REQUEST_SIZE_CONFIG;
    try {
      List<ConfigResource> resources = new ArrayList<>();
      Collection<Node> nodes = admin.describeCluster().nodes().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      nodes.stream().findFirst().ifPresent(node -> resources.add(new ConfigResource(ConfigResource.Type.BROKER, node.idString())));
      Map<String, ?> existing = admin.listTopics().namesToListings().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      for (String topic : writtenTopics) {
        if (existing.containsKey(topic)) {
          resources.add(new ConfigResource(ConfigResource.Type.TOPIC, topic));
        }
      }
      Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      for (Map.Entry<ConfigResource, Config> config : configs.entrySet()) {
        String key = config.getKey().type() == ConfigResource.Type.BROKER ? BROKER_MAX_MESSAGE_BYTES
          : TopicConfig.MAX_MESSAGE_BYTES_CONFIG;
        ConfigEntry entry = config.getValue().get(key);
        if (entry != null && entry.value() != null && Integer.parseInt(entry.value()) < limit) {
          limit = Integer.parseInt(entry.value());
          from = key + " of " + config.getKey().name();
        }
      }
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      LOG.warn("Could not read the brokers' and topics' record size limits ({}); assuming Kafka's defaults",
        e.getClass().getSimpleName());
      limit = Math.min(limit, RecordLimits.KAFKA_DEFAULTS.maxRecordBytes());
      from = "Kafka's defaults";
    }
    RecordLimits limits = new RecordLimits(limit);
    LOG.info("Largest record Kafka takes: {} bytes ({}); requests up to {} bytes are carried whole", limit, from,
      limits.maxRequestBytes());
    return limits;
  }
}
