package dev.idvstreams.topology;

import dev.idvstreams.headers.CarriedHeaders;
import dev.idvstreams.avro.DeadLetter;
import dev.idvstreams.avro.DeadLetterStage;
import dev.idvstreams.avro.VerificationRequest;
import dev.idvstreams.serde.AvroSize;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first step after decoding, before anything is written for a request: what may go on to be
 * re-keyed and called. Every record read from the request topic ends here or goes on:
 * <ul>
 *   <li>a null value (a tombstone, a deletion marker): nothing to verify; skipped, counted, logged;
 *   <li>larger than the processor can write for it (the re-keyed record, its store entry, its
 *       dead letter): a VALIDATION dead letter {@code REQUEST_TOO_LARGE} with the bizId and the
 *       first {@link #EXCERPT_BYTES} bytes of the request, never the whole;
 *   <li>breaks a documented limit of its API: a VALIDATION dead letter with the request;
 *   <li>else: passed on with only its {@link CarriedHeaders}: any other header of the producer's
 *       could make the re-keyed record too large, and nothing downstream reads it.
 * </ul>
 * Its dead letters carry the same headers, after the dead-letter headers.
 * Dead letters here name the request topic's partition and offset, where the operator finds the
 * record, and are keyed by {@link BizIds#bounded}.
 */
final class AdmitProcessor implements Processor<String, VerificationRequest, String, SpecificRecord> {

  static final int EXCERPT_BYTES = 4096;
  private static final Logger LOG = LoggerFactory.getLogger(AdmitProcessor.class);

  private final RequestValidator validator;
  private final long maxRequestBytes;
  private final TopologyListener listener;
  private final PoisonGuard guard;
  private final CarriedHeaders carried;
  private ProcessorContext<String, SpecificRecord> context;

  /** @param maxRequestBytes the largest request (Avro binary) whose records this processor can write */
  AdmitProcessor(RequestValidator validator, long maxRequestBytes, CarriedHeaders carried, TopologyListener listener,
      PoisonGuard guard) {
    this.validator = validator;
    this.carried = carried;
    this.guard = guard;
    this.maxRequestBytes = maxRequestBytes;
    this.listener = listener;
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
  }

  @Override
  public void process(Record<String, VerificationRequest> record) {
    RecordMetadata source = context.recordMetadata().orElseThrow();
    guard.process(source, record.value(), context.currentSystemTimeMs(), () -> admit(record, source),
      letter -> forwardDeadLetter(record, letter));
  }

  private void admit(Record<String, VerificationRequest> record, RecordMetadata source) {
    VerificationRequest request = record.value();
    if (request == null) {
      LOG.info("Skipped a tombstone (null value) at {}-{}@{}: nothing to verify", source.topic(), source.partition(),
        source.offset());
      listener.skipped(SkipReason.TOMBSTONE);
      return;
    }
    AvroSize.Measured size = AvroSize.of(request, EXCERPT_BYTES);
    if (size.bytes() > maxRequestBytes) {
      deadLetter(record, DeadLetters.builder(DeadLetterStage.VALIDATION, "REQUEST_TOO_LARGE", "request of "
            + size.bytes() + " bytes is larger than the " + maxRequestBytes + " bytes this processor can write for it; "
            + "rawValue holds its first " + size.excerpt().length + " bytes (Avro binary)", source.topic(),
            source.partition(), source.offset(), context.currentSystemTimeMs())
        .setRawValue(ByteBuffer.wrap(size.excerpt())));
      return;
    }
    List<Violation> violations = validator.validate(request);
    if (!violations.isEmpty()) {
      String message = violations.stream().map(Violation::toString).collect(Collectors.joining("; "));
      deadLetter(record, DeadLetters.builder(DeadLetterStage.VALIDATION, violations.get(0).code(), message,
          source.topic(), source.partition(), source.offset(), context.currentSystemTimeMs())
        .setRequest(request));
      return;
    }
    context.forward(record.<SpecificRecord>withValue(request).withHeaders(carried.select(record.headers())));
  }

  private void deadLetter(Record<String, VerificationRequest> record, DeadLetter.Builder builder) {
    forwardDeadLetter(record, builder.setBizId(BizIds.bounded(record.value().getBizId())).build());
  }

  private void forwardDeadLetter(Record<String, VerificationRequest> record, DeadLetter letter) {
    context.forward(new Record<String, SpecificRecord>(letter.getBizId(), letter, record.timestamp(),
      CarriedHeaders.plus(DeadLetterHeaders.of(letter.getStage() == DeadLetterStage.VALIDATION
        ? RequestValidator.class.getName() : PoisonGuard.class.getName(), letter), carried.select(record.headers()))));
  }
}
