package dev.idvstreams.operator;

import dev.idvstreams.avro.DeadLetter;
import dev.idvstreams.avro.DeadLetterStage;

/** Which dead letters {@code dlq replay} sends back: a stage, a code, both or neither (all). */
public record DeadLetterFilter(DeadLetterStage stage, String code) {

  boolean matches(DeadLetter letter) {
    return (stage == null || stage == letter.getStage()) && (code == null || code.equals(letter.getErrorCode()));
  }

  /**
   * The consumer group (and transactional id) of replays with this filter. Each filter keeps its
   * own position: a run moves past every dead letter it reads, matching or not, so with one
   * group for all, {@code --stage VALIDATION} would make a later {@code --stage PROVIDER} miss
   * the PROVIDER letters it passed over.
   */
  String groupId(String applicationId) {
    return applicationId + "-dlq-replay" + (stage == null ? "" : "-stage-" + stage) + (code == null ? "" : "-code-" + code);
  }
}
