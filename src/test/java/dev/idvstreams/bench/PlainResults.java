package dev.idvstreams.bench;

import dev.idvstreams.avro.Outcome;
import dev.idvstreams.avro.VerificationRequest;
import dev.idvstreams.avro.VerificationResult;
import dev.idvstreams.check.Checks;
import java.time.Instant;

/**
 * The result value the baseline topologies write: the processor's Avro result type, filled from
 * the request without the processor's mapping of the answer (a baseline needs the same record
 * shape and size, not the same judgement).
 */
final class PlainResults {

  private PlainResults() {}

  static VerificationResult of(VerificationRequest request, Outcome outcome, String reasonCode, int attempts,
      Instant completedAt) {
    return VerificationResult.newBuilder()
        .setBizId(request.getBizId())
        .setCheckType(Checks.apiOf(request).checkType())
        .setOutcome(outcome)
        .setReasonCode(reasonCode)
        .setAttempts(attempts)
        .setRequestedAt(request.getRequestedAt())
        .setCompletedAt(completedAt)
        .build();
  }
}
