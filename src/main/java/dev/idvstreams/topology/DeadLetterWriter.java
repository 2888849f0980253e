package dev.idvstreams.topology;

import dev.idvstreams.headers.CarriedHeaders;
import dev.idvstreams.avro.DeadLetter;
import dev.idvstreams.serde.AvroSerde;
import dev.idvstreams.serde.RegistrySettings;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;

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
  /** Optional: the {@link CarriedHeaders} whose headers of the failed record the dead letter carries; else the defaults. */
  static final String CARRIED_HEADERS_CONFIG = "idv.dead-letter.carried-headers";

  private final String topic;
  private final AvroSerde<DeadLetter> serde;
  private final TopologyListener listener;
  private final long maxCarriedBytes;
  private final CarriedHeaders carried;

  private DeadLetterWriter(String topic, AvroSerde<DeadLetter> serde, TopologyListener listener, long maxCarriedBytes,
      CarriedHeaders carried) {
    this.topic = topic;
    this.serde = serde;
    this.listener = listener;
    this.maxCarriedBytes = maxCarriedBytes;
    this.carried = carried;
  }

  /** The properties the handlers read, besides the registry's ({@link RegistrySettings#asProperties()}). */
  public static Map<String, Object> properties(String dlqTopic, TopologyListener listener, RecordLimits limits,
      CarriedHeaders carried) {
    return Map.of(DLQ_TOPIC_CONFIG, dlqTopic, LISTENER_CONFIG, listener, MAX_CARRIED_BYTES_CONFIG, limits.maxRequestBytes(),
      CARRIED_HEADERS_CONFIG, carried);
  }

  static DeadLetterWriter configure(Map<String, ?> configs) {
    String topic = Objects.requireNonNull((String) configs.get(DLQ_TOPIC_CONFIG), DLQ_TOPIC_CONFIG + " is not set");
    Object max = configs.get(MAX_CARRIED_BYTES_CONFIG);
    return new DeadLetterWriter(topic, AvroSerde.forValues(DeadLetter.class, RegistrySettings.fromProperties(configs).client()),
      configs.get(LISTENER_CONFIG) instanceof TopologyListener given ? given : null,
      max == null ? RecordLimits.KAFKA_DEFAULTS.maxRequestBytes() : Long.parseLong(max.toString()),
      configs.get(CARRIED_HEADERS_CONFIG) instanceof CarriedHeaders given ? given : new CarriedHeaders(List.of()));
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

  /**
   * {@code letter} as the record a handler returns, keyed by its bizId, with the dead-letter headers
   * and the carried ones of the failed record's {@code headers}; counted.
   */
  List<ProducerRecord<byte[], byte[]>> records(DeadLetter letter, String exceptionClass, Headers headers) {
    String key = letter.getBizId();
    ProducerRecord<byte[], byte[]> out = new ProducerRecord<>(topic, null, null,
      key == null ? null : key.getBytes(StandardCharsets.UTF_8), serde.serialize(topic, letter),
      CarriedHeaders.plus(DeadLetterHeaders.of(exceptionClass, letter), carried.select(headers)));
    if (listener != null) {
      listener.published(letter);
    }
    return List.of(out);
  }
}
