package dev.idvstreams.topology;

import dev.idvstreams.avro.DeadLetter;
import dev.idvstreams.avro.DeadLetterStage;
import dev.idvstreams.avro.VerificationRequest;
import dev.idvstreams.serde.AvroSize;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The KIP-1033 processing-exception handler: an exception inside the topology for one record ends
 * that record as an INTERNAL dead letter ({@code PROCESSING_FAILED}) and processing goes on,
 * instead of stopping the stream thread, and with it, since every instance that took the partition
 * over would read the record again, the whole group.
 *
 * <p>What is not the record's fault fails the thread as before ({@link Failures#notTheRecords}: a
 * registry out of reach, a failing store, a record the crash-loop guard counts), and so does an
 * exception in a punctuation, which has no record to dead-letter.
 *
 * <p>The dead letter carries the request when the failing node had one and it fits, else the
 * first bytes of the source record's value.
 */
public final class ProcessingFailureHandler implements ProcessingExceptionHandler {

  private static final Logger LOG = LoggerFactory.getLogger(ProcessingFailureHandler.class);
  private DeadLetterWriter deadLetters;

  @Override
  public void configure(Map<String, ?> configs) {
    deadLetters = DeadLetterWriter.configure(configs);
  }

  @Override
  public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
    if (Failures.notTheRecords(exception) || record == null || context.topic() == null) {
      return Response.fail();
    }
    String where = new SourcePosition(context.topic(), context.partition(), context.offset()).label();
    LOG.error("Dead-lettering the record at {}: processor {} failed with {}", where, context.processorNodeId(),
      Failures.describe(exception));
    DeadLetter.Builder letter = DeadLetters.builder(DeadLetterStage.INTERNAL, "PROCESSING_FAILED", "processor "
        + context.processorNodeId() + " failed with " + Failures.describe(exception), context.topic(),
        context.partition(), context.offset(), System.currentTimeMillis());
    // the failing node holds the request, or an event made of it (a dead letter carries it)
    VerificationRequest request = record.value() instanceof VerificationRequest r ? r
        : record.value() instanceof DeadLetter failed ? failed.getRequest() : null;
    if (request != null) {
      letter.setBizId(BizIds.bounded(request.getBizId()));
      if (AvroSize.of(request, 0).bytes() <= deadLetters.maxCarriedBytes()) {
        letter.setRequest(request);
      }
    } else if (record.key() instanceof String key) {
      letter.setBizId(BizIds.bounded(key));
    }
    if (letter.getRequest() == null && context.sourceRawValue() != null) {
      byte[] raw = context.sourceRawValue();
      letter.setRawValue(ByteBuffer.wrap(Arrays.copyOf(raw, Math.min(raw.length, AdmitProcessor.EXCERPT_BYTES))));
    }
    return Response.resume(deadLetters.records(letter.build(), exception.getClass().getName(), context.headers()));
  }
}
