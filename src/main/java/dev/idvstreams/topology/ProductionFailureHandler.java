package dev.idvstreams.topology;

import dev.idvstreams.avro.DeadLetter;
import dev.idvstreams.avro.DeadLetterStage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The production-exception handler: a record Kafka refuses for itself (too large, invalid) is
 * replaced by a small INTERNAL dead letter ({@code RECORD_TOO_LARGE}, {@code RECORD_INVALID}: the
 * bizId, the topic it was meant for, no request), or, when the refused record was itself headed
 * for the dead-letter topic, skipped and counted; processing goes on. Everything else (authorization,
 * a fenced producer, a timeout) is no record's fault and fails as before.
 *
 * <p>This is the second line: {@link AdmitProcessor} refuses a request too large to carry before
 * anything is written for it, because under exactly-once a record the producer refuses can abort
 * the whole transaction whatever this handler answers.
 */
public final class ProductionFailureHandler implements ProductionExceptionHandler {

  private static final Logger LOG = LoggerFactory.getLogger(ProductionFailureHandler.class);
  private DeadLetterWriter deadLetters;

  @Override
  public void configure(Map<String, ?> configs) {
    deadLetters = DeadLetterWriter.configure(configs);
  }

  @Override
  public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
    String code;
    if (exception instanceof RecordTooLargeException) {
      code = "RECORD_TOO_LARGE";
    } else if (exception instanceof InvalidRecordException) {
      code = "RECORD_INVALID";
    } else {
      return Response.fail();
    }
    int bytes = (record.key() == null ? 0 : record.key().length) + (record.value() == null ? 0 : record.value().length);
    String source = new SourcePosition(context.topic(), context.partition(), context.offset()).label();
    if (deadLetters.isDeadLetterTopic(record.topic())) {
      LOG.error("Kafka refused a dead letter of {} bytes for the record at {} ({}): skipped", bytes, source, code);
      deadLetters.skipped(SkipReason.UNWRITABLE);
      return Response.resume();
    }
    LOG.error("Kafka refused a record of {} bytes for {}, from the record at {} ({}): dead-lettered instead", bytes,
      record.topic(), source, code);
    String bizId = record.key() == null ? null : BizIds.bounded(new String(record.key(), StandardCharsets.UTF_8));
    DeadLetter letter = DeadLetters.builder(DeadLetterStage.INTERNAL, code, "Kafka refused the " + bytes
          + "-byte record for " + record.topic() + ": " + exception.getClass().getSimpleName(), context.topic(),
          context.partition(), context.offset(), System.currentTimeMillis())
      .setBizId(bizId)
      .build();
    List<ProducerRecord<byte[], byte[]>> out = deadLetters.records(letter, exception.getClass().getName(), record.headers());
    return Response.resume(out);
  }
}
