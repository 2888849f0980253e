package dev.idvstreams.topology;

import dev.idvstreams.avro.DeadLetter;
import dev.idvstreams.avro.DeadLetterStage;
import dev.idvstreams.serde.AvroSerde;
import dev.idvstreams.serde.BadRecordException;
import dev.idvstreams.serde.RegistryUnavailableException;
import dev.idvstreams.serde.RegistrySettings;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The KIP-1034 deserialization handler: an unreadable request becomes a {@link DeadLetter} at
 * stage DECODE, with the raw bytes, and processing resumes. A registry that cannot be reached is
 * not the record's fault: the handler fails the stream thread, which the uncaught-exception
 * handler replaces, so the record is read again from the last commit once the registry is back.
 */
public final class DecodeDeadLetterHandler implements DeserializationExceptionHandler {

  /** The dead-letter topic, passed through the Kafka Streams properties with {@link RegistrySettings#asProperties()}. */
  public static final String DLQ_TOPIC_CONFIG = "idv.dlq.topic";
  /**
   * Optional: a {@link TopologyListener} object in the Kafka Streams properties, told of each dead
   * letter the handler publishes, as the topology tells it of its own (the metrics count them).
   * Kafka Streams creates the handler from its class, so an object can reach it only this way.
   */
  public static final String LISTENER_CONFIG = "idv.topology.listener";

  private static final Logger LOG = LoggerFactory.getLogger(DecodeDeadLetterHandler.class);
  private static final Duration REGISTRY_RETRY_PAUSE = Duration.ofSeconds(2);

  private String dlqTopic;
  private AvroSerde<DeadLetter> deadLetters;
  private TopologyListener listener;

  @Override
  public void configure(Map<String, ?> configs) {
    dlqTopic = Objects.requireNonNull((String) configs.get(DLQ_TOPIC_CONFIG), DLQ_TOPIC_CONFIG + " is not set");
    deadLetters = AvroSerde.forValues(DeadLetter.class, RegistrySettings.fromProperties(configs).client());
    listener = configs.get(LISTENER_CONFIG) instanceof TopologyListener given ? given : null;
  }

  @Override
  public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
    if (RegistryUnavailableException.isCauseOf(exception)) {
      LOG.warn("Schema registry unavailable while decoding {}-{}@{}: {}; the record will be read again in {}",
        context.topic(), context.partition(), context.offset(), exception.getMessage(), REGISTRY_RETRY_PAUSE);
      pause();
      return Response.fail();
    }
    String code = exception instanceof BadRecordException bad ? bad.reason().name() : "UNREADABLE_RECORD";
    String message = String.valueOf(exception.getMessage());
    LOG.warn("Dead-lettering unreadable record {}-{}@{}: {}", context.topic(), context.partition(), context.offset(), message);
    DeadLetter letter = DeadLetters.builder(DeadLetterStage.DECODE, code, message, context.topic(),
        context.partition(), context.offset(), System.currentTimeMillis())
      .setRawValue(record.value() == null ? null : ByteBuffer.wrap(record.value()))
      .build();
    ProducerRecord<byte[], byte[]> out = new ProducerRecord<>(dlqTopic, null, null, null,
      deadLetters.serialize(dlqTopic, letter), DeadLetterHeaders.of(exception.getClass().getName(), letter));
    if (listener != null) {
      listener.published(letter);
    }
    return Response.resume(List.of(out));
  }

  /**
   * Failing replaces the stream thread, which rejoins the group and reads the record again at
   * once: without a pause an outage would turn into a loop of rebalances.
   */
  private static void pause() {
    try {
      Thread.sleep(REGISTRY_RETRY_PAUSE.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
