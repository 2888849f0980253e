package dev.idvstreams.topology;

import dev.idvstreams.avro.DeadLetter;
import dev.idvstreams.serde.AvroSerde;
import dev.idvstreams.serde.RegistrySettings;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Dead letters written by Kafka Streams' error handlers (KIP-1034), which Kafka Streams creates
 * from their class names: what they need comes through the Kafka Streams properties, set by
 * {@link #properties}. One instance per handler.
 */
public final class DeadLetterWriter {

  /** The dead-letter topic. */
  static final String DLQ_TOPIC_CONFIG = "idv.dlq.topic";
  /**
   * Optional: a {@link TopologyListener} object, told of each dead letter a handler writes, as the
   * topology tells it of its own (the metrics count them).
   */
  static final String LISTENER_CONFIG = "idv.topology.listener";
  /** The largest request or raw value a dead letter carries whole ({@link RecordLimits#maxRequestBytes}). */
  static final String MAX_CARRIED_BYTES_CONFIG = "idv.dead-letter.max-carried-bytes";

  private final String topic;
  private final AvroSerde<DeadLetter> serde;
  private final TopologyListener listener;
  private final long maxCarriedBytes;

  private DeadLetterWriter(String topic, AvroSerde<DeadLetter> serde, TopologyListener listener, long maxCarriedBytes) {
    this.topic = topic;
    this.serde = serde;
    this.listener = listener;
    this.maxCarriedBytes = maxCarriedBytes;
  }

  /** The properties the handlers read, besides the registry's ({@link RegistrySettings#asProperties()}). */
  public static Map<String, Object> properties(String dlqTopic, TopologyListener listener, RecordLimits limits) {
    return Map.of(DLQ_TOPIC_CONFIG, dlqTopic, LISTENER_CONFIG, listener, MAX_CARRIED_BYTES_CONFIG, limits.maxRequestBytes());
  }

  static DeadLetterWriter configure(Map<String, ?> configs) {
    String topic = Objects.requireNonNull((String) configs.get(DLQ_TOPIC_CONFIG), DLQ_TOPIC_CONFIG + " is not set");
    Object max = configs.get(MAX_CARRIED_BYTES_CONFIG);
    return new DeadLetterWriter(topic, AvroSerde.forValues(DeadLetter.class, RegistrySettings.fromProperties(configs).client()),
      configs.get(LISTENER_CONFIG) instanceof TopologyListener given ? given : null,
      max == null ? RecordLimits.KAFKA_DEFAULTS.maxRequestBytes() : Long.parseLong(max.toString()));
  }

  /** Counts a record that ended with no event. */
  void skipped(SkipReason reason) {
    if (listener != null) {
      listener.skipped(reason);
    }
  }

  boolean isDeadLetterTopic(String name) {
    return topic.equals(name);
  }

  /** The largest request or raw value a dead letter written here carries whole. */
  long maxCarriedBytes() {
    return maxCarriedBytes;
  }

  /** {@code letter} as the record a handler returns, keyed by its bizId, with the dead-letter headers; counted. */
  List<ProducerRecord<byte[], byte[]>> records(DeadLetter letter, String exceptionClass) {
    String key = letter.getBizId();
    ProducerRecord<byte[], byte[]> out = new ProducerRecord<>(topic, null, null,
      key == null ? null : key.getBytes(StandardCharsets.UTF_8), serde.serialize(topic, letter),
      DeadLetterHeaders.of(exceptionClass, letter));
    if (listener != null) {
      listener.published(letter);
    }
    return List.of(out);
  }
}
