package dev.idvstreams.topology;

import dev.idvstreams.avro.DeadLetter;
import dev.idvstreams.avro.DeadLetterStage;
import dev.idvstreams.serde.BadRecordException;
import dev.idvstreams.serde.RegistryUnavailableException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The KIP-1034 deserialization handler: an unreadable request becomes a {@link DeadLetter} at
 * stage DECODE, with the raw bytes (their first bytes when the whole would not fit a record), and
 * processing resumes. A registry that cannot be reached is
 * not the record's fault: the handler fails the stream thread, which the uncaught-exception
 * handler replaces, so the record is read again from the last commit once the registry is back.
 */
public final class DecodeDeadLetterHandler implements DeserializationExceptionHandler {

  private static final Logger LOG = LoggerFactory.getLogger(DecodeDeadLetterHandler.class);
  private static final Duration REGISTRY_RETRY_PAUSE = Duration.ofSeconds(2);

  private DeadLetterWriter deadLetters;

  @Override
  public void configure(Map<String, ?> configs) {
    deadLetters = DeadLetterWriter.configure(configs);
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
    byte[] raw = record.value();
    if (raw != null && raw.length > deadLetters.maxCarriedBytes()) {
      // the whole value would make the dead letter larger than Kafka takes
      message = message + " (rawValue: the first " + AdmitProcessor.EXCERPT_BYTES + " of " + raw.length + " bytes)";
      raw = Arrays.copyOf(raw, AdmitProcessor.EXCERPT_BYTES);
    }
    LOG.info("Dead-lettering unreadable record {}-{}@{}: {}", context.topic(), context.partition(), context.offset(), message);
    DeadLetter letter = DeadLetters.builder(DeadLetterStage.DECODE, code, message, context.topic(),
        context.partition(), context.offset(), System.currentTimeMillis())
      .setRawValue(raw == null ? null : ByteBuffer.wrap(raw))
      .build();
    return Response.resume(deadLetters.records(letter, exception.getClass().getName(), record.headers()));
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
