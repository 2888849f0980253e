package dev.idvstreams.topology;

import dev.idvstreams.avro.DeadLetter;
import dev.idvstreams.avro.DeadLetterStage;
import java.time.Instant;

/** The one place dead letters are started, whichever stage writes them. */
final class DeadLetters {

  private DeadLetters() {}

  /** A dead letter's fields that every stage fills; the caller adds the request or the raw bytes. */
  static DeadLetter.Builder builder(DeadLetterStage stage, String code, String message, String topic, int partition,
      long offset, long failedAtMillis) {
    return DeadLetter.newBuilder()
        .setStage(stage)
        .setErrorCode(code)
        .setErrorMessage(message)
        .setTopic(topic)
        .setPartition(partition)
        .setOffset(offset)
        .setFailedAt(Instant.ofEpochMilli(failedAtMillis));
  }
}
