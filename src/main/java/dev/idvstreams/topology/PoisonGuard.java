package dev.idvstreams.topology;

import dev.idvstreams.avro.DeadLetter;
import dev.idvstreams.avro.DeadLetterStage;
import dev.idvstreams.avro.VerificationRequest;
import java.util.function.Consumer;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * The crash-loop guard around the processing of one record. An exception inside the processor is
 * the processing-exception handler's ({@link ProcessingFailureHandler}: an INTERNAL dead letter at
 * once); an {@link Error} (out of memory, stack overflow) passes every handler and stops the
 * stream thread, and the record would stop every thread that reads it again, on every instance.
 * So an Error is counted against the record's position ({@link PoisonStrikes}) and rethrown as a
 * {@link PoisonRecordException}, which makes the processor replace the thread; once a record has
 * stopped it {@code poison.max-failures} times, it is dead-lettered (INTERNAL, {@code POISON_RECORD})
 * instead of processed.
 *
 * <pre>
 * strikes of the position | processing          | then
 * ------------------------+---------------------+--------------------------------------------
 * under the maximum       | ends                | nothing
 * under the maximum       | throws an Exception | the handler's (a dead letter, or the thread fails)
 * under the maximum       | throws an Error     | one more strike; PoisonRecordException
 * at the maximum          | not run             | a POISON_RECORD dead letter, without the request
 * </pre>
 */
final class PoisonGuard {

  private final PoisonStrikes strikes;
  private final int maxStrikes;

  PoisonGuard(PoisonStrikes strikes, int maxStrikes) {
    this.strikes = strikes;
    this.maxStrikes = maxStrikes;
  }

  /**
   * Runs {@code processing} for the record at {@code source}, unless that record has stopped the
   * processor too often: then it gives {@code deadLetter} the letter that ends it.
   */
  void process(RecordMetadata source, VerificationRequest request, long nowMillis, Runnable processing,
      Consumer<DeadLetter> deadLetter) {
    String position = SourcePosition.of(source).label();
    int count = strikes.count(position);
    if (count >= maxStrikes) {
      // without the request: writing it may be what fails; the operator reads it at its position
      deadLetter.accept(DeadLetters.builder(DeadLetterStage.INTERNAL, "POISON_RECORD", "the record stopped a stream "
            + "thread " + count + " times; it stays at " + position + " (read it with consume)", source.topic(),
            source.partition(), source.offset(), nowMillis)
        .setBizId(request == null ? null : BizIds.bounded(request.getBizId()))
        .build());
      return;
    }
    try {
      processing.run();
    } catch (Error error) {
      throw new PoisonRecordException(position, strikes.strike(position), maxStrikes, error);
    }
  }
}
