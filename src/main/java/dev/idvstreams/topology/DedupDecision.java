package dev.idvstreams.topology;

import dev.idvstreams.avro.CheckType;
import dev.idvstreams.avro.DedupEntry;
import dev.idvstreams.avro.DedupStatus;
import dev.idvstreams.avro.MaterialCheck;
import dev.idvstreams.avro.Outcome;
import dev.idvstreams.avro.VerificationRequest;
import java.util.Arrays;

/**
 * What {@link VerifyProcessor} does with an incoming request, decided from the stored entry of its
 * bizId alone: a pure function, so every case is testable without Kafka. The processor carries the
 * decision out; the lifecycle it drives is tabled in {@link VerifyProcessor}.
 */
enum DedupDecision {
  /**
   * No entry, or a DEAD_LETTERED one: the first request with this bizId, or a new one after a
   * failed call (an operator's replay of its dead letter). Store it IN_FLIGHT and call.
   */
  START,
  /**
   * The very record that created the entry, read again after a crash before its offset was
   * committed. IN_FLIGHT: make sure it is calling or waiting (it is, unless the task restarted).
   * Ended (at_least_once only): nothing; its events were written, or are unconfirmed in the entry
   * and published again when the task starts.
   */
  REDELIVERED,
  /** A duplicate that was already parked, read again after a crash: nothing to do. */
  ALREADY_PARKED,
  /** The same content as a COMPLETED request: publish the stored result, marked replayed. */
  REPLAY,
  /** The same content as an IN_FLIGHT request: park it; it gets the result when the call ends. */
  PARK,
  /**
   * VerifyMaterial again after a result other than PASS: the API allows submissions until one
   * passes (docs/provider-apis.md#verifymaterial), so this starts a new call.
   */
  RESUBMIT,
  /** The bizId was used for a request with different content: a DEDUP_CONFLICT dead letter. */
  CONFLICT;

  /**
   * The one decision ladder; its order matters: a record read again must never count as a
   * duplicate of itself, so positions are compared before contents.
   *
   * @param entry the stored entry of the request's bizId, or null
   * @param position where the request was read
   * @param fingerprint the request's {@link RequestFingerprint}
   */
  static DedupDecision decide(DedupEntry entry, SourcePosition position, byte[] fingerprint, VerificationRequest request) {
    if (entry == null) {
      // never seen, or purged after its TTL, or removed after a PROVIDER failure
      return START;
    }
    if (SourcePosition.of(entry).equals(position)) {
      // the record that started the call, read again from before the last commit
      return REDELIVERED;
    }
    if (entry.getParked().stream().map(SourcePosition::of).anyMatch(position::equals)) {
      // a duplicate parked before a crash, read again
      return ALREADY_PARKED;
    }
    if (entry.getStatus() == DedupStatus.DEAD_LETTERED) {
      // the call failed; the entry waits only for a commit to confirm its dead letters
      return START;
    }
    if (Arrays.equals(fingerprint, entry.getFingerprint().array())) {
      // an exact duplicate: answered now if done, else when the call ends
      return entry.getStatus() == DedupStatus.COMPLETED ? REPLAY : PARK;
    }
    if (isMaterialResubmission(entry, request)) {
      // different content, but VerifyMaterial may be called until it passes
      return RESUBMIT;
    }
    // different content under a bizId already used
    return CONFLICT;
  }

  private static boolean isMaterialResubmission(DedupEntry entry, VerificationRequest request) {
    return request.getCheck() instanceof MaterialCheck
      && entry.getStatus() == DedupStatus.COMPLETED
      && entry.getVerificationResult() != null
      && entry.getVerificationResult().getCheckType() == CheckType.MATERIAL
      && entry.getVerificationResult().getOutcome() != Outcome.PASS;
  }
}
