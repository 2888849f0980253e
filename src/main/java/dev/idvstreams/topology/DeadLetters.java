package dev.idvstreams.topology;

import dev.idvstreams.avro.DeadLetter;
import dev.idvstreams.avro.DeadLetterStage;
import java.time.Instant;

/** The one place dead letters are started, whichever stage writes them. */
final class DeadLetters {

  /** Messages can quote a provider's answer or an exception: cut, so a dead letter's size stays the request's plus a little. */
  static final int MAX_MESSAGE_CHARS = 1_000;
  static final int MAX_CODE_CHARS = 200;

  private DeadLetters() {}

  /** A dead letter's fields that every stage fills; the caller adds the request or the raw bytes. */
  static DeadLetter.Builder builder(DeadLetterStage stage, String code, String message, String topic, int partition,
      long offset, long failedAtMillis) {
    return DeadLetter.newBuilder()
        .setStage(stage)
        .setErrorCode(cut(code, MAX_CODE_CHARS))
        .setErrorMessage(cut(message, MAX_MESSAGE_CHARS))
        .setTopic(topic)
        .setPartition(partition)
        .setOffset(offset)
        .setFailedAt(Instant.ofEpochMilli(failedAtMillis));
  }

  private static String cut(String text, int maxChars) {
    return text == null || text.length() <= maxChars ? text : text.substring(0, maxChars) + "... (cut)";
  }
}
